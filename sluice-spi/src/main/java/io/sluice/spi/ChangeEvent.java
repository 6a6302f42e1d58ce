package io.sluice.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One row-level change handed to a {@link StreamWriter}.
 *
 * @param operation what happens to the row
 * @param values the row's values in {@link StreamSpec#columns()} order. For a delete, at least the key columns
 *     are set; the others are set when the source knows them (e.g. Postgres with {@code REPLICA IDENTITY FULL})
 *     and {@code null} otherwise
 * @param sizeBytes approximate size, used to bound buffered bytes
 * @param sourceTimestamp when the change was committed in the source, or {@code null} when unknown (snapshot
 *     and cursor reads)
 */
public record ChangeEvent(Operation operation, Object[] values, int sizeBytes, Instant sourceTimestamp) {
  public ChangeEvent {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(values, "values");
  }

  /** A row read from a snapshot or by cursor: written like an insert, recorded as a read. */
  public static ChangeEvent read(Object[] values, int sizeBytes) {
    return new ChangeEvent(Operation.READ, values, sizeBytes, null);
  }

  public static ChangeEvent insert(Object[] values, int sizeBytes) {
    return insert(values, sizeBytes, null);
  }

  public static ChangeEvent insert(Object[] values, int sizeBytes, Instant sourceTimestamp) {
    return new ChangeEvent(Operation.INSERT, values, sizeBytes, sourceTimestamp);
  }

  public static ChangeEvent update(Object[] values, int sizeBytes) {
    return update(values, sizeBytes, null);
  }

  public static ChangeEvent update(Object[] values, int sizeBytes, Instant sourceTimestamp) {
    return new ChangeEvent(Operation.UPDATE, values, sizeBytes, sourceTimestamp);
  }

  public static ChangeEvent delete(Object[] values, int sizeBytes) {
    return delete(values, sizeBytes, null);
  }

  public static ChangeEvent delete(Object[] values, int sizeBytes, Instant sourceTimestamp) {
    return new ChangeEvent(Operation.DELETE, values, sizeBytes, sourceTimestamp);
  }
}
