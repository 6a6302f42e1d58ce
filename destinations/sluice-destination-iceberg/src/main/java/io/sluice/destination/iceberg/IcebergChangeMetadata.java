package io.sluice.destination.iceberg;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DataType;
import io.sluice.spi.Operation;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The change metadata columns of CDC tables ({@link io.sluice.spi.WriteRequest}): {@code _sluice_op},
 * {@code _sluice_source_ts}, {@code _sluice_synced_at}, and {@code _sluice_deleted} when deletes are soft. They
 * come after the stream's own columns, in that order, when the table is created or first continued by CDC
 * (columns the stream gains later come after them); each row's values are extended with them on the way to the
 * table.
 *
 * <p>{@code _sluice_synced_at} is the wall-clock time the row was handed to the file writer, to the millisecond:
 * the value is built once per millisecond and shared by the rows written in it, not once per row. One instance
 * per writer; not thread-safe.
 */
final class IcebergChangeMetadata {
  static final String PREFIX = "_sluice_";
  static final String OP = "_sluice_op";
  static final String SOURCE_TS = "_sluice_source_ts";
  static final String SYNCED_AT = "_sluice_synced_at";
  static final String DELETED = "_sluice_deleted";

  private final int streamColumns;
  private final boolean softDeletes;
  private final Clock clock;
  private long syncedAtMillis = Long.MIN_VALUE;
  private OffsetDateTime syncedAt;

  private IcebergChangeMetadata(int streamColumns, boolean softDeletes, Clock clock) {
    this.streamColumns = streamColumns;
    this.softDeletes = softDeletes;
    this.clock = clock;
  }

  /** Whether tables of {@code stream} get the metadata columns: change-log streams only. */
  static boolean applies(StreamSpec stream) {
    return stream.syncMode() == SyncMode.CDC || stream.syncMode() == SyncMode.CDC_ONLY;
  }

  /** The metadata for a stream's writer, or null when the stream gets none. */
  static IcebergChangeMetadata of(StreamSpec stream, boolean softDeletes) {
    return of(stream, softDeletes, Clock.systemUTC());
  }

  /** As {@link #of(StreamSpec, boolean)}, with {@code _sluice_synced_at} read from {@code clock}. */
  static IcebergChangeMetadata of(StreamSpec stream, boolean softDeletes, Clock clock) {
    return applies(stream) ? new IcebergChangeMetadata(stream.columns().size(), softDeletes, clock) : null;
  }

  /**
   * The stream as its table holds it: its own columns, then the metadata columns when it gets them.
   *
   * @throws ConfigException when a column of the stream would collide with a metadata column
   */
  static StreamSpec tableStream(StreamSpec stream, boolean softDeletes) {
    if (!applies(stream)) {
      return stream;
    }
    List<Column> columns = new ArrayList<>(stream.columns());
    for (Column column : stream.columns()) {
      if (column.name().toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
        throw new ConfigException("columns", "Cannot write stream " + stream.source() + " with change metadata: "
            + "its column '" + column.name() + "' starts with " + PREFIX + ", which Sluice's own columns use; "
            + "drop it from the stream's columns or rename it in the source");
      }
    }
    columns.add(new Column(OP, DataType.STRING, true, "sluice"));
    columns.add(new Column(SOURCE_TS, DataType.TIMESTAMP_TZ, true, "sluice"));
    columns.add(new Column(SYNCED_AT, DataType.TIMESTAMP_TZ, true, "sluice"));
    if (softDeletes) {
      columns.add(new Column(DELETED, DataType.BOOLEAN, true, "sluice"));
    }
    return new StreamSpec(stream.source(), stream.destination(), stream.syncMode(), columns, stream.primaryKey(),
        stream.partitioning(), stream.cursorField());
  }

  boolean softDeletes() {
    return softDeletes;
  }

  /**
   * The event's values followed by its metadata values, in {@link #tableStream} order. A soft delete keeps the
   * values the event carries: the key, and the other columns only when the source sent them (else null).
   */
  Object[] extend(ChangeEvent event) {
    Object[] values = event.values();
    Object[] row = new Object[streamColumns + (softDeletes ? 4 : 3)];
    System.arraycopy(values, 0, row, 0, Math.min(values.length, streamColumns));
    row[streamColumns] = event.operation().name().toLowerCase(Locale.ROOT);
    row[streamColumns + 1] = event.sourceTimestamp() == null ? null
        : OffsetDateTime.ofInstant(event.sourceTimestamp(), ZoneOffset.UTC);
    row[streamColumns + 2] = syncedAt();
    if (softDeletes) {
      row[streamColumns + 3] = event.operation() == Operation.DELETE;
    }
    return row;
  }

  private OffsetDateTime syncedAt() {
    long now = clock.millis();
    if (now != syncedAtMillis) {
      syncedAtMillis = now;
      syncedAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    }
    return syncedAt;
  }
}
