package io.sluice.source.mysql;

import io.sluice.spi.Catalog;
import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.CheckResult;
import io.sluice.spi.CheckResult.Probe;
import io.sluice.spi.Column;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.SluiceException;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MySQL or MariaDB source. Creating it does not connect; every call opens the connections it needs and closes
 * them. Thread-safe.
 */
final class MySqlSource implements io.sluice.spi.Source {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlSource.class);
  static final String INCREMENTAL_NOTE =
      "incremental: cursor-based sync does not see deletes; rows whose cursor is NULL are skipped and counted";

  private final MySqlConfig config;
  private final MySqlConnections connections;
  private final MySqlChunkPlanner planner;
  private final MySqlIncrementalSource incremental;
  private final MySqlChangeLog changeLog;

  MySqlSource(MySqlConfig config) {
    this.config = config;
    this.connections = new MySqlConnections(config);
    this.planner = new MySqlChunkPlanner(config.chunkSizeRows(), config.maxThreads());
    this.incremental = new MySqlIncrementalSource(connections);
    this.changeLog = new MySqlChangeLog(connections);
  }

  /** {@code mysql://host:port}: one server's binlog serves every database. */
  @Override
  public String identity() {
    return "mysql://" + config.address();
  }

  @Override
  public CheckResult check() {
    List<Probe> probes = new ArrayList<>();
    try (Connection connection = connections.open()) {
      probes.add(Probe.pass("connect", "connected to " + MySqlServerInfo.read(connection).describe() + " at "
          + config.address() + " as " + config.username()));
      for (String database : config.databases()) {
        probes.add(databaseProbe(connection, database));
      }
    } catch (SluiceException e) {
      probes.add(Probe.fail("connect", e.getMessage()));
    } catch (SQLException e) {
      probes.add(Probe.fail("connect", MySqlErrorClassifier.reason(e)));
    }
    return new CheckResult(probes);
  }

  private Probe databaseProbe(Connection connection, String database) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'")) {
      statement.setString(1, database);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        long tables = result.getLong(1);
        return tables > 0 ? Probe.pass("database " + database, tables + " table(s) visible")
            : Probe.fail("database " + database, "no table of database " + database + " is visible to "
                + config.username() + ": check the name in 'databases' and GRANT SELECT ON "
                + MySqlIdentifiers.quote(database) + ".* TO the user");
      }
    }
  }

  @Override
  public Catalog discover() {
    try (Connection connection = connections.open()) {
      List<StreamDescriptor> streams = new ArrayList<>();
      for (MySqlTable table : MySqlCatalogQueries.tables(connection, config.databases(),
          config.tinyint1AsBoolean())) {
        List<Column> columns = table.columns().stream().map(column -> new Column(column.name(), column.type(),
            column.nullable(), column.sourceType())).toList();
        boolean keyed = !table.primaryKey().isEmpty();
        streams.add(new StreamDescriptor(table.id(), columns, table.primaryKey(),
            keyed ? Set.of(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL, SyncMode.CDC, SyncMode.CDC_ONLY)
                : Set.of(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL), notes(table)));
      }
      return new Catalog(streams);
    } catch (SQLException e) {
      throw MySqlErrorClassifier.failure("Cannot discover the tables of databases " + config.databases() + " in "
          + config.address(), e);
    }
  }

  private static List<String> notes(MySqlTable table) {
    List<String> notes = new ArrayList<>();
    if (table.primaryKey().isEmpty()) {
      notes.add("no primary key: the snapshot is one read by one reader");
      notes.add("no primary key: cdc is not offered; set primary_key in the streams file to columns that identify "
          + "a row to capture changes");
    }
    for (MySqlColumn column : table.columns()) {
      if (column.dataType().equals("time")) {
        notes.add("column " + column.name() + ": MySQL time is a duration (-838:59:59..838:59:59), carried as "
            + "signed microseconds (long)");
      }
      if ((column.dataType().equals("decimal") || column.dataType().equals("numeric"))
          && column.type().kind() == io.sluice.spi.DataType.Kind.STRING) {
        notes.add("column " + column.name() + ": " + column.columnType() + " is wider than decimal(38), carried "
            + "as its exact digits in a string");
      }
    }
    notes.add(INCREMENTAL_NOTE);
    return notes;
  }

  @Override
  public List<Split> planSnapshot(StreamSpec stream) {
    String what = "Cannot plan the snapshot of " + stream.source();
    try (Connection connection = connections.open()) {
      MySqlTable table = MySqlStreamColumns.table(connection, stream, config.tinyint1AsBoolean(), what);
      MySqlStreamColumns.selected(table, stream, what);
      List<MySqlChunk> chunks = planner.plan(connection, table);
      long perChunk = table.estimatedRows() < 0 ? -1 : Math.max(1, table.estimatedRows() / chunks.size());
      LOG.info("{}: planned {} chunk(s) of about {} rows", stream.source(), chunks.size(), perChunk);
      return chunks.stream().map(chunk -> new Split(chunk.id(), chunk.toJson(), perChunk)).toList();
    } catch (SQLException e) {
      throw MySqlErrorClassifier.failure(what, e);
    }
  }

  @Override
  public SnapshotReader openSnapshot(StreamSpec stream, Split split) {
    return new MySqlSnapshotReader(connections, stream, split);
  }

  /** Cursor reads: {@link MySqlIncrementalSource}. */
  @Override
  public Optional<IncrementalSource> incremental() {
    return Optional.of(incremental);
  }

  /** Change data capture from the binary log: {@link MySqlChangeLog}. */
  @Override
  public Optional<ChangeLogSource> changeLog() {
    return Optional.of(changeLog);
  }

  @Override
  public int maxConcurrentReads() {
    return config.maxThreads();
  }

  @Override
  public void close() {}
}
