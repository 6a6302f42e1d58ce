package io.sluice.bench.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Chaos on an embedded MariaDB: cdc through the binlog. The sync logs in as a user of its own, so a fault can
 * {@code KILL} exactly its sessions (its chunk readers and its binlog dump) and not the workload's.
 */
final class MariaDbChaosServer implements ChaosServer {
  private static final String SYNC_USER = "sluice_chaos";
  private static final String SYNC_PASSWORD = "chaos-secret";
  private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

  private final MariaDbServer server = MariaDbServer.start();

  @Override
  public void createTable(int rows) {
    server.execute("CREATE DATABASE chaos",
        "CREATE TABLE chaos.items (id BIGINT PRIMARY KEY, n BIGINT NOT NULL, body MEDIUMTEXT, "
            + "amount DECIMAL(14,2) NOT NULL, ts TIMESTAMP(6) NOT NULL)",
        "INSERT INTO chaos.items SELECT seq, 0, IF(seq % 100 = 0, REPEAT('toast-', 2000), CONCAT('b', seq)), "
            + "seq * 0.01, '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM chaos.seq_1_to_" + rows,
        "CREATE USER '" + SYNC_USER + "'@'%' IDENTIFIED BY '" + SYNC_PASSWORD + "'",
        "GRANT SELECT ON chaos.* TO '" + SYNC_USER + "'@'%'",
        "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '" + SYNC_USER + "'@'%'");
  }

  @Override
  public ObjectNode sourceConfig(String passwordVariable) {
    ObjectNode source = JsonNodeFactory.instance.objectNode()
        .put("type", "mysql").put("host", server.host()).put("port", server.port())
        .put("username", SYNC_USER).put("password", "${" + passwordVariable + "}")
        .put("max_threads", 2).put("chunk_size_rows", 5_000);
    source.putArray("databases").add("chaos");
    return source;
  }

  @Override
  public String password() {
    return SYNC_PASSWORD;
  }

  @Override
  public Connection connect() throws SQLException {
    return server.connect("chaos");
  }

  @Override
  public void terminateSyncSessions() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      List<Long> sessions = new ArrayList<>();
      try (ResultSet result = statement.executeQuery(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + SYNC_USER + "'")) {
        while (result.next()) {
          sessions.add(result.getLong(1));
        }
      }
      for (long session : sessions) {
        try {
          statement.execute("KILL CONNECTION " + session);
        } catch (SQLException e) {
          // It ended by itself meanwhile.
        }
      }
    }
  }

  @Override
  public TableChecksum content() throws SQLException {
    TableChecksum checksum = new TableChecksum();
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("SET time_zone = '+00:00'");
      try (ResultSet r = statement.executeQuery("SELECT id, n, body, amount, CAST(ts AS CHAR) FROM chaos.items")) {
        while (r.next()) {
          checksum.add(r.getLong(1), r.getLong(2), r.getString(3), r.getBigDecimal(4),
              LocalDateTime.parse(r.getString(5), TEXT).atOffset(ZoneOffset.UTC));
        }
      }
    }
    return checksum;
  }

  @Override
  public void close() {
    server.close();
  }
}
