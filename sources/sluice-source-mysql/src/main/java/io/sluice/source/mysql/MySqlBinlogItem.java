package io.sluice.source.mysql;

import io.sluice.spi.LogEvent;
import io.sluice.spi.SluiceException;
import java.util.List;

/** What the binlog reader thread hands to the engine's thread, through the stream's bounded queue. */
sealed interface MySqlBinlogItem {

  /** Events of one row change (two for a key-changing update), and the position after them. */
  record Rows(List<LogEvent> events, MySqlBinlogPosition position, int sizeBytes) implements MySqlBinlogItem {}

  /** A stream's columns changed; comes before the rows that have the new columns. */
  record Schema(LogEvent.SchemaChange change) implements MySqlBinlogItem {}

  /** The log advanced (a commit, another table's transaction) without events for these streams. */
  record Advance(MySqlBinlogPosition position) implements MySqlBinlogItem {}

  /** A bounded stream reached the end fixed when it was opened. */
  record End() implements MySqlBinlogItem {}

  /** Reading failed; the stream is over. */
  record Failure(SluiceException error) implements MySqlBinlogItem {}
}
