package io.sluice.bench.chaos;

/** What a chaos trial does to a running sync. */
enum Fault {
  /** SIGKILL the sync process: no shutdown hook, no cleanup, anything half-done stays half-done. */
  KILL,
  /**
   * Terminate every server session of the sync from the server side ({@code pg_terminate_backend}, MariaDB's
   * {@code KILL CONNECTION}): the change log connection and any chunk reader. The sync must retry and go on; it is then stopped with SIGTERM.
   */
  TERMINATE_CONNECTIONS,
  /**
   * Hold an exclusive lock on the catalog database for a few seconds, so commits cannot reach it: the catalog does
   * not answer. The sync retries or stops without advancing state; it is then stopped with SIGTERM.
   */
  CATALOG_UNAVAILABLE
}
