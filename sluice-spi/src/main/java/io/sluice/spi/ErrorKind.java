package io.sluice.spi;

/** The one error taxonomy. The CLI maps kinds to exit codes; the engine retries {@link #TRANSIENT} only. */
public enum ErrorKind {
  /** The user's config, streams or state is wrong; retrying cannot help. Exit code 2. */
  CONFIG,
  /** A dropped connection, a timeout, a commit conflict: retrying may help. */
  TRANSIENT,
  /** The source or destination refused for good: bad credentials, missing table, missing privilege. */
  PERMANENT,
  /** The destination may or may not have applied a commit; stop, touch nothing, resolve on the next run. */
  COMMIT_UNKNOWN,
  /** A bug in Sluice or a connector. */
  INTERNAL
}
