package io.sluice.spi;

import java.util.Objects;

/**
 * One row-level change handed to a {@link StreamWriter}.
 *
 * @param operation what happens to the row
 * @param values the row's values in {@link StreamSpec#columns()} order (for a delete, at least the key)
 * @param sizeBytes approximate size, used to bound buffered bytes
 */
public record ChangeEvent(Operation operation, Object[] values, int sizeBytes) {
  public ChangeEvent {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(values, "values");
  }

  public static ChangeEvent insert(Object[] values, int sizeBytes) {
    return new ChangeEvent(Operation.INSERT, values, sizeBytes);
  }

  public static ChangeEvent update(Object[] values, int sizeBytes) {
    return new ChangeEvent(Operation.UPDATE, values, sizeBytes);
  }

  public static ChangeEvent delete(Object[] values, int sizeBytes) {
    return new ChangeEvent(Operation.DELETE, values, sizeBytes);
  }
}
