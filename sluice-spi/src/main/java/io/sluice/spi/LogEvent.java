package io.sluice.spi;

/** One item of a {@link ChangeBatch}: a row change or a change of a stream's columns. */
public sealed interface LogEvent permits LogEvent.RowChange, LogEvent.SchemaChange {

  /** The stream the event belongs to. */
  StreamId stream();

  /**
   * A change to one row of a stream.
   *
   * @param stream the stream (the source table)
   * @param change the change, values in the stream's current column order
   */
  record RowChange(StreamId stream, ChangeEvent change) implements LogEvent {
    public RowChange {
      java.util.Objects.requireNonNull(stream, "stream");
      java.util.Objects.requireNonNull(change, "change");
    }
  }

  /**
   * The stream's columns changed in the source (a column added, a type widened or changed, a column dropped).
   * From this event on, row values come in the order of {@code columns}. Columns keep their positions: added
   * columns come last, and a dropped column stays in the list (its values are {@code null} from now on), so a
   * destination never loses data it holds. Whether a type change can be followed is the destination's call
   * ({@link StreamWriter#evolve}).
   *
   * @param stream the stream
   * @param columns every column of the stream from now on
   */
  record SchemaChange(StreamId stream, java.util.List<Column> columns) implements LogEvent {
    public SchemaChange {
      java.util.Objects.requireNonNull(stream, "stream");
      columns = java.util.List.copyOf(columns);
    }
  }
}
