/**
 * Releases a response body nobody will read, so that its connection can be reused. Not awaited:
 * the cancel only has to start, and some mocks never settle it (MSW 2's interceptors before
 * 0.45: mswjs/interceptors#799), which must not hang the caller.
 *
 * @param response - A response whose body is not wanted.
 */
export function cancelBody(response: Response): void {
  const { body } = response;
  if (body === null || body.locked) return;
  body.cancel().catch(() => undefined);
}
