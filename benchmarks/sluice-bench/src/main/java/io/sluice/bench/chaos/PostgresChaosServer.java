package io.sluice.bench.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;

/** Chaos on an embedded PostgreSQL: cdc through a replication slot of its own; faults end sessions with pg_terminate_backend. */
final class PostgresChaosServer implements ChaosServer {
  private final PostgresServer server = PostgresServer.start();

  @Override
  public void createTable(int rows) {
    server.execute("""
        CREATE SCHEMA chaos;
        CREATE TABLE chaos.items (id bigint PRIMARY KEY, n bigint NOT NULL, body text,
          amount numeric(14,2) NOT NULL, ts timestamptz NOT NULL);
        INSERT INTO chaos.items SELECT g, 0, CASE WHEN mod(g, 100) = 0 THEN repeat('toast-', 2000) ELSE 'b' || g END,
          g * 0.01, timestamptz '2026-01-01 00:00:00+00' + make_interval(secs => g)
        FROM generate_series(1, %d) g;
        ANALYZE chaos.items;
        """.formatted(rows));
  }

  @Override
  public ObjectNode sourceConfig(String passwordVariable) {
    ObjectNode source = JsonNodeFactory.instance.objectNode()
        .put("type", "postgres").put("host", server.host()).put("port", server.port())
        .put("database", PostgresServer.DATABASE).put("username", PostgresServer.USER)
        .put("password", "${" + passwordVariable + "}").put("max_threads", 2).put("chunk_size_rows", 5_000)
        .put("ssl_mode", "disable");
    source.putArray("schemas").add("chaos");
    source.putObject("replication").put("slot", "sluice_chaos").put("publication", "sluice_chaos");
    return source;
  }

  @Override
  public String password() {
    return PostgresServer.PASSWORD;
  }

  @Override
  public Connection connect() throws SQLException {
    return server.connect(PostgresServer.DATABASE);
  }

  @Override
  public void terminateSyncSessions() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
          + "AND (application_name LIKE 'sluice%' OR backend_type = 'walsender')");
    }
  }

  @Override
  public TableChecksum content() throws SQLException {
    TableChecksum checksum = new TableChecksum();
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("SELECT id, n, body, amount, ts FROM chaos.items")) {
      while (r.next()) {
        checksum.add(r.getLong(1), r.getLong(2), r.getString(3), r.getBigDecimal(4),
            r.getObject(5, OffsetDateTime.class));
      }
    }
    return checksum;
  }

  @Override
  public void close() {
    server.close();
  }
}
