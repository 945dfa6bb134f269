/**
 * The parsed form of one `destination` entry, at the bottom of the config folder: the stream and
 * exporting types both use it.
 * @module
 */

/** One entry of a destination list, ready to connect to. */
export interface Destination {
  /** The entry as written (for logs and the API). */
  text: string;
  /** Host name or IP address (an IPv6 address without its brackets); "" for a unix socket. */
  host: string;
  /** TCP port (1 to 65535); 0 for a unix socket. */
  port: number;
  /** `:SSL`: connect with TLS. */
  ssl: boolean;
  /** `%INTERFACE`: Netdata binds the connection to it; the agent connects through any. */
  interface?: string;
  /** Set for `unix:/path` (or a bare `/path`): connect to this unix socket. */
  unixPath?: string;
}
