package io.sluice.spi;

import java.util.List;
import java.util.Objects;

/**
 * Where an incremental read stands: the (cursor, key) pair of the last row read. Values are of the classes
 * {@link DataType.Kind} fixes for the cursor and key columns.
 *
 * <p>With an empty {@code key} the position is a lower bound on the cursor alone, inclusive: rows whose
 * cursor is greater than or equal to {@code cursor} come after it. The engine uses that form for look-back
 * windows.
 *
 * @param cursor the cursor column's value, never null
 * @param key the primary-key values in key order, or empty for an inclusive cursor-only bound
 */
public record CursorPosition(Object cursor, List<Object> key) {
  public CursorPosition {
    Objects.requireNonNull(cursor, "cursor");
    key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
  }

  /** Whether this is a cursor-only, inclusive lower bound. */
  public boolean cursorOnly() {
    return key.isEmpty();
  }
}
