// The console page's calls: the console API (/mfpconsole/api/…) and the admin API of confidential
// clients, both with the administrator's credentials (HTTP Basic), which live in this tab only.

/** An answer other than 2xx, with the server's message. */
export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Base64 of UTF-8 text (btoa alone refuses characters beyond Latin-1). @param {string} text */
function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/**
 * The server's words: `message`, or the error details of an admin transaction.
 *
 * @param {any} body
 * @param {number} status
 */
function messageOf(body, status) {
  if (typeof body?.message === 'string') return body.message;
  const details = body?.transaction?.errors?.map((/** @type {any} */ error) => error.details);
  return details?.length ? details.join('; ') : `the server answered ${status}`;
}

export class Api {
  /** @param {string} username @param {string} password */
  constructor(username, password) {
    this.authorization = `Basic ${base64(`${username}:${password}`)}`;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async request(method, path, body) {
    const response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: {
        authorization: this.authorization,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, messageOf(data, response.status));
    return data;
  }

  /** The document the page shows. */
  state() {
    return this.request('GET', '/mfpconsole/api/state');
  }

  /** @param {string} name @param {Record<string, unknown>} [body] */
  action(name, body = {}) {
    return this.request('POST', `/mfpconsole/api/${name}`, body);
  }

  /** The clients, secrets included, as `AdminClient.list()` reads them. @param {string} adminPath */
  async clients(adminPath) {
    return (await this.request('GET', adminPath)).clients;
  }

  /**
   * Replaces the client list, as `AdminClient` does (the admin API's PUT replaces it whole).
   *
   * @param {string} adminPath
   * @param {unknown[]} clients
   * @throws {ApiError} with the transaction's error details when the server refuses the list.
   */
  async saveClients(adminPath, clients) {
    const answer = await this.request('PUT', adminPath, { clients });
    if (answer?.transaction?.status === 'FAILURE') throw new ApiError(400, messageOf(answer, 400));
  }
}
