/**
 * The slice of spotify-web-api-node 5.0.x that server/music/spotify.client.ts uses: its request
 * builders (which let us set the host, for the test/dev mock), its superagent transport and its
 * error classes. @types/spotify-web-api-node types only the SpotifyWebApi class, whose methods
 * hard-code api.spotify.com / accounts.spotify.com. Pinned with the exact version in package.json.
 */
declare module 'spotify-web-api-node/src/base-request.js' {
  export interface SpotifyRequest {
    getURI(): string;
    getURL(): string;
    execute(method: SpotifyHttpMethod): Promise<SpotifyResponse>;
  }
  export interface SpotifyResponse {
    body: unknown;
    headers: Record<string, string | undefined>;
    statusCode: number;
  }
  export type SpotifyHttpMethod = (request: SpotifyRequest, callback: (err: Error | null, res?: SpotifyResponse) => void) => void;
  export interface SpotifyRequestBuilder {
    withHost(host: string): SpotifyRequestBuilder;
    withPort(port: number): SpotifyRequestBuilder;
    withScheme(scheme: string): SpotifyRequestBuilder;
    withPath(path: string): SpotifyRequestBuilder;
    withQueryParameters(params: Record<string, string | number | undefined> | null): SpotifyRequestBuilder;
    withBodyParameters(params: Record<string, unknown>): SpotifyRequestBuilder;
    withHeaders(headers: Record<string, string>): SpotifyRequestBuilder;
    withAuth(token: string): SpotifyRequestBuilder;
    build(): SpotifyRequest;
  }
}
declare module 'spotify-web-api-node/src/webapi-request.js' {
  import type { SpotifyRequestBuilder } from 'spotify-web-api-node/src/base-request.js';
  const WebApiRequest: { builder(accessToken?: string): SpotifyRequestBuilder };
  export default WebApiRequest;
}
declare module 'spotify-web-api-node/src/authentication-request.js' {
  import type { SpotifyRequestBuilder } from 'spotify-web-api-node/src/base-request.js';
  const AuthenticationRequest: { builder(): SpotifyRequestBuilder };
  export default AuthenticationRequest;
}
declare module 'spotify-web-api-node/src/http-manager.js' {
  import type { SpotifyHttpMethod } from 'spotify-web-api-node/src/base-request.js';
  const HttpManager: { get: SpotifyHttpMethod; post: SpotifyHttpMethod; put: SpotifyHttpMethod; del: SpotifyHttpMethod };
  export default HttpManager;
}
declare module 'spotify-web-api-node/src/response-error.js' {
  class WebapiError extends Error {
    body: unknown;
    headers: Record<string, string | undefined>;
    statusCode: number;
  }
  class TimeoutError extends Error {}
  const errors: { WebapiError: typeof WebapiError; TimeoutError: typeof TimeoutError };
  export default errors;
}
