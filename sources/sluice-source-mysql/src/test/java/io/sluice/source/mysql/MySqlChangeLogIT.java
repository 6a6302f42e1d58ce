package io.sluice.source.mysql;

import static io.sluice.source.mysql.MySqlSourceFixture.config;
import static io.sluice.source.mysql.MySqlSourceFixture.events;
import static io.sluice.source.mysql.MySqlSourceFixture.readLog;
import static io.sluice.source.mysql.MySqlSourceFixture.source;
import static io.sluice.source.mysql.MySqlSourceFixture.spec;
import static io.sluice.source.mysql.MySqlSourceFixture.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.ConfigException;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.LogPin;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.MariaDbServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The binlog change log against a real MariaDB: exactly-once resumes, key moves, DDL, TRUNCATE, purged logs. */
class MySqlChangeLogIT {
  private static MariaDbServer server;

  @BeforeAll
  static void start() {
    server = MariaDbServer.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static StreamSpec cdcSpec(Source source, String database, String table) {
    return spec(stream(source.discover(), database, table), SyncMode.CDC);
  }

  private static String pin(Source source, StreamSpec spec) {
    try (LogPin pin = source.changeLog().orElseThrow().pin(List.of(spec))) {
      return pin.position();
    }
  }

  @Test
  void resumesInsideLargeTransactionsWithoutLosingOrRepeatingARow() throws Exception {
    server.execute("CREATE DATABASE counters", "CREATE TABLE counters.c (id INT PRIMARY KEY, n INT NOT NULL)",
        "INSERT INTO counters.c SELECT seq, 0 FROM counters.seq_1_to_3000");
    try (Source source = source(config(server, "counters"))) {
      StreamSpec spec = cdcSpec(source, "counters", "c");
      String position = pin(source, spec);
      assertThat(MySqlBinlogPosition.decode(position).gtids()).as("MariaDB positions carry a GTID set").isNotNull();
      long serverId = MySqlBinlogPosition.decode(position).serverId();
      int transactions = 5;
      for (int t = 0; t < transactions; t++) {
        // 3,000 updates in one transaction: batches of at most 2,000 events end inside it.
        server.execute("UPDATE counters.c SET n = n + 1");
      }
      Map<Integer, Integer> updates = new HashMap<>();
      int runs = 0;
      boolean ended = false;
      while (!ended) {
        runs++;
        try (ChangeStream log = source.changeLog().orElseThrow().open(new ChangeStreamRequest(List.of(spec),
            Map.of(spec.source(), position), true))) {
          // Each run consumes two batches (or to the end), "commits" them and stops, as a crash would.
          for (int batch = 0; batch < 2 && !ended; batch++) {
            ChangeBatch next = log.poll(Duration.ofSeconds(5));
            for (LogEvent event : next.events()) {
              ChangeEvent change = ((LogEvent.RowChange) event).change();
              assertThat(change.operation()).isEqualTo(Operation.UPDATE);
              updates.merge((Integer) change.values()[0], 1, Integer::sum);
            }
            assertThat(MySqlBinlogPosition.decode(next.position()).serverId()).isEqualTo(serverId);
            position = next.position();
            ended = next.endReached();
          }
        }
      }
      assertThat(runs).as("runs that each resumed from the last position").isGreaterThanOrEqualTo(4);
      assertThat(updates).hasSize(3000);
      assertThat(updates.values()).as("updates per id").containsOnly(transactions);
    }
  }

  @Test
  void keyChangesDeletesAndLiveSchemaChanges() throws Exception {
    server.execute("CREATE DATABASE evolve",
        "CREATE TABLE evolve.t (id INT PRIMARY KEY, qty INT, note VARCHAR(10))",
        "INSERT INTO evolve.t VALUES (1, 10, 'one'), (2, 20, 'two')");
    try (Source source = source(config(server, "evolve"))) {
      StreamSpec spec = cdcSpec(source, "evolve", "t");
      String position = pin(source, spec);
      List<ChangeBatch> batches = new ArrayList<>();
      try (ChangeStream log = source.changeLog().orElseThrow().open(new ChangeStreamRequest(List.of(spec),
          Map.of(spec.source(), position), false))) {
        server.execute("UPDATE evolve.t SET id = 3 WHERE id = 1", "DELETE FROM evolve.t WHERE id = 2",
            "ALTER TABLE evolve.t ADD COLUMN price DECIMAL(8,2)", "INSERT INTO evolve.t VALUES (4, 40, 'four', 1.25)");
        pollUntilRows(log, batches, 4);
        server.execute("ALTER TABLE evolve.t MODIFY qty BIGINT", "UPDATE evolve.t SET qty = 9000000000 WHERE id = 4");
        pollUntilRows(log, batches, 5);
      }
      assertThat(describe(batches)).containsExactly(
          "DELETE [1, 10, one]",
          "INSERT [3, 10, one]",
          "DELETE [2, 20, two]",
          "schema [id:int, qty:int, note:string, price:decimal(8,2)]",
          "INSERT [4, 40, four, 1.25]",
          "schema [id:int, qty:long, note:string, price:decimal(8,2)]",
          "UPDATE [4, 9000000000, four, 1.25]");
      assertSchemaChangesStartTheirBatches(batches);

      // Replayed later, from before the DDL: the stream takes the table's current columns first, and the old
      // events still decode by column name (binlog_row_metadata = FULL).
      List<ChangeBatch> replay = readLog(source, List.of(spec), position);
      assertThat(describe(replay)).containsExactly(
          "schema [id:int, qty:long, note:string, price:decimal(8,2)]",
          "DELETE [1, 10, one, null]",
          "INSERT [3, 10, one, null]",
          "DELETE [2, 20, two, null]",
          "INSERT [4, 40, four, 1.25]",
          "UPDATE [4, 9000000000, four, 1.25]");
      assertSchemaChangesStartTheirBatches(replay);
    }
  }

  /** Polls until the batches hold {@code rows} row changes, for at most 30 s. */
  private static void pollUntilRows(ChangeStream log, List<ChangeBatch> batches, int rows) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (events(batches).stream().filter(LogEvent.RowChange.class::isInstance).count() < rows
        && System.currentTimeMillis() < deadline) {
      batches.add(log.poll(Duration.ofMillis(500)));
    }
  }

  private static String firstBinlog() throws Exception {
    try (var connection = server.connect(""); var statement = connection.createStatement();
        var result = statement.executeQuery("SHOW BINARY LOGS")) {
      result.next();
      return result.getString(1);
    }
  }

  private static List<String> describe(List<ChangeBatch> batches) {
    List<String> seen = new ArrayList<>();
    for (LogEvent event : events(batches)) {
      if (event instanceof LogEvent.SchemaChange change) {
        seen.add("schema " + change.columns().stream().map(column -> column.name() + ":" + column.type()).toList());
      } else {
        ChangeEvent change = ((LogEvent.RowChange) event).change();
        seen.add(change.operation() + " " + java.util.Arrays.toString(change.values()));
      }
    }
    return seen;
  }

  private static void assertSchemaChangesStartTheirBatches(List<ChangeBatch> batches) {
    for (ChangeBatch batch : batches) {
      for (int i = 1; i < batch.events().size(); i++) {
        assertThat(batch.events().get(i)).as("a schema change starts its batch")
            .isNotInstanceOf(LogEvent.SchemaChange.class);
      }
    }
  }

  @Test
  void truncateStopsTheStreamWithTheResyncHint() throws Exception {
    server.execute("CREATE DATABASE trunc", "CREATE TABLE trunc.t (id INT PRIMARY KEY)",
        "INSERT INTO trunc.t VALUES (1), (2)");
    try (Source source = source(config(server, "trunc"))) {
      StreamSpec spec = cdcSpec(source, "trunc", "t");
      String position = pin(source, spec);
      server.execute("TRUNCATE TABLE trunc.t");
      assertThatThrownBy(() -> readLog(source, List.of(spec), position))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("trunc.t was truncated")
          .hasMessageContaining("--resync trunc.t")
          .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.PERMANENT));
    }
  }

  @Test
  void aTableWithoutKeyIsRefusedNamingTheFix() {
    server.execute("CREATE DATABASE nokey", "CREATE TABLE nokey.t (v INT)");
    try (Source source = source(config(server, "nokey"))) {
      StreamSpec spec = spec(stream(source.discover(), "nokey", "t"), SyncMode.FULL_REFRESH);
      assertThat(stream(source.discover(), "nokey", "t").syncModes()).doesNotContain(SyncMode.CDC);
      assertThatThrownBy(() -> source.changeLog().orElseThrow().pin(List.of(spec)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("nokey.t").hasMessageContaining("primary_key");
    }
  }

  @Test
  void aPurgedPositionFailsPermanentlyWithTheResyncHint() throws Exception {
    server.execute("CREATE DATABASE purged", "CREATE TABLE purged.t (id INT PRIMARY KEY)");
    try (Source source = source(config(server, "purged"))) {
      StreamSpec spec = cdcSpec(source, "purged", "t");
      MySqlBinlogPosition pinned = MySqlBinlogPosition.decode(pin(source, spec));
      server.execute("INSERT INTO purged.t VALUES (1)", "FLUSH BINARY LOGS", "INSERT INTO purged.t VALUES (2)",
          "FLUSH BINARY LOGS");
      String current;
      try (var connection = server.connect(""); var statement = connection.createStatement();
          var result = statement.executeQuery("SHOW MASTER STATUS")) {
        result.next();
        current = result.getString(1);
      }
      // MariaDB keeps a file until its binlog checkpoint has passed (crash recovery may need it): retry a while.
      long deadline = System.currentTimeMillis() + 20_000;
      while (firstBinlog().equals(pinned.file()) && System.currentTimeMillis() < deadline) {
        server.execute("PURGE BINARY LOGS TO '" + current + "'");
        Thread.sleep(200);
      }
      assertThat(firstBinlog()).as("the pinned binlog file was purged").isNotEqualTo(pinned.file());
      // By file and offset, and by GTID set: both are gone.
      for (MySqlBinlogPosition position : List.of(pinned,
          new MySqlBinlogPosition(pinned.file(), pinned.pos(), null, 0, pinned.serverId()))) {
        assertThatThrownBy(() -> readLog(source, List.of(spec), position.encode()))
            .isInstanceOf(SluiceException.class)
            .hasMessageContaining("no longer has the binlog")
            .hasMessageContaining("--resync all")
            .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.PERMANENT));
      }
    }
  }
}
