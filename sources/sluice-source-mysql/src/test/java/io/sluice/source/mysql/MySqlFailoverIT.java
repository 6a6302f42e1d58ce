package io.sluice.source.mysql;

import static io.sluice.source.mysql.MySqlSourceFixture.config;
import static io.sluice.source.mysql.MySqlSourceFixture.events;
import static io.sluice.source.mysql.MySqlSourceFixture.source;
import static io.sluice.source.mysql.MySqlSourceFixture.spec;
import static io.sluice.source.mysql.MySqlSourceFixture.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.LogEvent;
import io.sluice.spi.LogPin;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.MariaDbServer;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A position taken on one server resumes on another of the same replication topology: a MariaDB replica, whose
 * binlog files and offsets differ, continues exactly after the last row applied from the primary, even inside a
 * transaction, because positions carry the GTID set.
 */
class MySqlFailoverIT {
  private static MariaDbServer primary;
  private static MariaDbServer replica;

  @BeforeAll
  static void start() throws Exception {
    primary = MariaDbServer.start();
    replica = MariaDbServer.startWith(List.of("--server-id=2", "--log-slave-updates=ON"));
    String primaryState = query(primary, "SELECT @@gtid_binlog_pos");
    replica.execute("SET GLOBAL gtid_slave_pos = '" + primaryState + "'",
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + primary.port() + ", MASTER_USER = '"
            + MariaDbServer.USER + "', MASTER_PASSWORD = '" + MariaDbServer.PASSWORD + "', MASTER_USE_GTID = slave_pos",
        "START SLAVE");
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  @Test
  void aPositionFromThePrimaryResumesOnTheReplicaInsideATransaction() throws Exception {
    primary.execute("CREATE DATABASE ha", "CREATE TABLE ha.t (id INT PRIMARY KEY, v VARCHAR(10))");
    awaitReplica("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ha'", "1");
    String resume;
    StreamSpec spec;
    try (Source onPrimary = source(config(primary, "ha"))) {
      spec = spec(stream(onPrimary.discover(), "ha", "t"), SyncMode.CDC);
      String pin;
      try (LogPin logPin = onPrimary.changeLog().orElseThrow().pin(List.of(spec))) {
        pin = logPin.position();
      }
      // One transaction of 3,000 rows: the first batch (2,000 events) ends inside it.
      primary.execute("INSERT INTO ha.t SELECT seq, 'p' FROM ha.seq_1_to_3000");
      try (ChangeStream log = onPrimary.changeLog().orElseThrow().open(new ChangeStreamRequest(List.of(spec),
          Map.of(spec.source(), pin), true))) {
        // Stop, as a crash would, somewhere inside the 3,000-row transaction.
        int read = 0;
        ChangeBatch batch;
        do {
          batch = log.poll(Duration.ofSeconds(10));
          read += batch.events().size();
        } while (read < 1_500);
        resume = batch.position();
        assertThat(MySqlBinlogPosition.decode(resume).skip()).isEqualTo(read);
      }
    }
    MySqlBinlogPosition position = MySqlBinlogPosition.decode(resume);
    long applied = position.skip();
    assertThat(applied).as("a position inside the transaction").isBetween(1_500L, 2_999L);
    primary.execute("INSERT INTO ha.t VALUES (3001, 'after')");
    awaitReplica("SELECT COUNT(*) FROM ha.t", "3001");
    String replicaFile = query(replica, "SELECT @@log_bin_basename");
    assertThat(replicaFile).as("the replica has binlog files of its own").isNotEqualTo(query(primary,
        "SELECT @@log_bin_basename"));

    try (Source onReplica = source(config(replica, "ha"))) {
      List<LogEvent> events = events(MySqlSourceFixture.readLog(onReplica, List.of(spec), resume));
      List<Object> ids = events.stream().map(event -> ((LogEvent.RowChange) event).change().values()[0]).toList();
      List<Object> expected = new java.util.ArrayList<>();
      for (long id = applied + 1; id <= 3001; id++) {
        expected.add((int) id);
      }
      assertThat(ids).as("exactly the rows after the primary's position").isEqualTo(expected);
    }
  }

  private static void awaitReplica(String sql, String expected) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!expected.equals(query(replica, sql))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the replica did not catch up: " + query(replica, "SHOW SLAVE STATUS"));
      }
      Thread.sleep(100);
    }
  }

  private static String query(MariaDbServer server, String sql) throws Exception {
    try (var connection = server.connect(""); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() ? result.getString(1) : null;
    }
  }
}
