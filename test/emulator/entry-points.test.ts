import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as devServer from '../../src/dev-server/index.js';
import * as testing from '../../src/testing/index.js';

/** What `confidential-client/testing` has on top of `confidential-client/dev-server`. */
const mswOnly = { values: ['createMswHandlers'], types: ['MswHandlersOptions'] };

/** Every name an entry point exports, values and types apart, as TypeScript sees them. */
function exportedNames(
  entries: readonly string[],
): Map<string, { values: string[]; types: string[] }> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram(
    entries.map((entry) => `${root}${entry}`),
    config.options,
  );
  const checker = program.getTypeChecker();
  return new Map(
    entries.map((entry) => {
      const file = program.getSourceFile(`${root}${entry}`);
      const module = file && checker.getSymbolAtLocation(file);
      if (!module) throw new Error(`${entry} is not a module`);
      const values: string[] = [];
      const types: string[] = [];
      for (const symbol of checker.getExportsOfModule(module)) {
        const target =
          symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
      }
      return [entry, { values: values.sort(), types: types.sort() }];
    }),
  );
}

describe('confidential-client/testing is confidential-client/dev-server plus the MSW handlers', () => {
  it('exports every runtime name of dev-server, plus createMswHandlers', () => {
    expect(Object.keys(testing).sort()).toEqual(
      [...Object.keys(devServer), ...mswOnly.values].sort(),
    );
  });

  it('exports the very same values, not copies (one emulator class, one startDevServer)', () => {
    const testingValues: Record<string, unknown> = { ...testing };
    for (const [name, value] of Object.entries(devServer)) {
      expect(testingValues[name], name).toBe(value);
    }
  });

  it('exports every type of dev-server, plus MswHandlersOptions', { timeout: 30_000 }, () => {
    const names = exportedNames(['src/testing/index.ts', 'src/dev-server/index.ts']);
    const testingNames = names.get('src/testing/index.ts');
    const devServerNames = names.get('src/dev-server/index.ts');
    expect(devServerNames?.values).toEqual(Object.keys(devServer).sort());
    expect(testingNames?.values).toEqual(
      [...(devServerNames?.values ?? []), ...mswOnly.values].sort(),
    );
    expect(testingNames?.types).toEqual(
      [...(devServerNames?.types ?? []), ...mswOnly.types].sort(),
    );
    expect(devServerNames?.types).toContain('DevServer');
  });
});
