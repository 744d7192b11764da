import { type DevServer, startDevServer } from 'confidential-client/dev-server';

/**
 * The MobileFirst server the examples talk to: `MFP_SERVER_URL` (with `MFP_CLIENT_ID` and
 * `MFP_CLIENT_SECRET`) if set, otherwise an embedded dev server on a free loopback port.
 */
export async function mobileFirst(): Promise<{
  serverUrl: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}> {
  const { MFP_SERVER_URL, MFP_CLIENT_ID = 'test', MFP_CLIENT_SECRET = 'test' } = process.env;
  if (MFP_SERVER_URL) {
    return {
      serverUrl: MFP_SERVER_URL,
      clientId: MFP_CLIENT_ID,
      clientSecret: MFP_CLIENT_SECRET,
      close: async () => {},
    };
  }
  const dev: DevServer = await startDevServer();
  console.log(`MobileFirst dev server: ${dev.url}`);
  return { serverUrl: dev.url, clientId: 'test', clientSecret: 'test', close: () => dev.close() };
}
