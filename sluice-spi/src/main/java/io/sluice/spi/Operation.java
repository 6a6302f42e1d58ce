package io.sluice.spi;

/**
 * What a {@link ChangeEvent} does to the row with its key. Written to the {@code _sluice_op} metadata column as
 * the lower-case name.
 */
public enum Operation {
  /** A row read from a snapshot (a backfill) or by cursor; applied like an insert (an upsert by key). */
  READ,
  INSERT,
  UPDATE,
  DELETE
}
