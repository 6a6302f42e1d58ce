package io.sluice.spi;

/** How a {@link StreamWriter} applies what it is given. */
public enum WriteMode {
  /**
   * Stage everything committed under one load id invisibly; {@link StreamWriter#publish()} then replaces the
   * table's content with it in one atomic step. Used by {@link SyncMode#FULL_REFRESH}.
   */
  REPLACE,
  /** Add rows to what the table holds. */
  APPEND,
  /** Apply inserts, updates and deletes by primary key. */
  UPSERT
}
