package io.sluice.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stream as the user configured it in the streams file: what to read and where to write it.
 *
 * @param source the stream in the source
 * @param destination the table to write (namespace defaults to the source namespace, name to the source name)
 * @param syncMode how to sync it
 * @param columns the selected columns, in the order values appear in each row's {@code Object[]}
 * @param primaryKey key columns (the source key unless overridden); empty when there is none
 * @param partitioning destination partition transforms, e.g. {@code day(created_at)}, {@code bucket(16, id)}
 * @param cursorField the cursor column for {@link SyncMode#INCREMENTAL}, else empty
 * @param secondaryCursorField for {@link SyncMode#INCREMENTAL}, a column of the same type whose value stands in for
 *     the cursor's where the cursor is NULL (the effective cursor is {@code COALESCE(cursor, secondary)}), so such
 *     rows are read rather than skipped; empty otherwise
 */
public record StreamSpec(
    StreamId source,
    StreamId destination,
    SyncMode syncMode,
    List<Column> columns,
    List<String> primaryKey,
    List<String> partitioning,
    Optional<String> cursorField,
    Optional<String> secondaryCursorField) {
  public StreamSpec {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(syncMode, "syncMode");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    partitioning = List.copyOf(partitioning);
    Objects.requireNonNull(cursorField, "cursorField");
    Objects.requireNonNull(secondaryCursorField, "secondaryCursorField");
  }

  /** A stream without a secondary cursor. */
  public StreamSpec(StreamId source, StreamId destination, SyncMode syncMode, List<Column> columns,
      List<String> primaryKey, List<String> partitioning, Optional<String> cursorField) {
    this(source, destination, syncMode, columns, primaryKey, partitioning, cursorField, Optional.empty());
  }

  /** Position of the named column in each row, or -1. */
  public int columnIndex(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
