/**
 * Releases a response body nobody will read, so that its connection can be reused.
 *
 * @param response - A response whose body is not wanted.
 */
export async function cancelBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or errored: nothing to release.
  }
}
