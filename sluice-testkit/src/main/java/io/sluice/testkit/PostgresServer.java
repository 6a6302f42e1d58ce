package io.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from embedded binaries, on an ephemeral port of 127.0.0.1, with
 * {@code wal_level=logical}. Start one per test class (or suite) and close it in {@code @AfterAll}.
 *
 * <p>The superuser is {@code postgres} with password {@code postgres}; the database is {@code postgres}.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";
  public static final String DATABASE = "postgres";

  private final EmbeddedPostgres postgres;

  private PostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server; blocks until it accepts connections (a few seconds). */
  public static PostgresServer start() {
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_wal_senders", "10")
          .setServerConfig("max_replication_slots", "10")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .start();
      PostgresServer server = new PostgresServer(postgres);
      server.execute("ALTER USER postgres PASSWORD '" + PASSWORD + "'");
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  /** A new connection as the superuser; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
  }

  /** Runs SQL statements (separated the JDBC way: one string may hold several) in the default database. */
  public void execute(String sql) {
    try (Connection connection = connect(DATABASE); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run SQL on the test server: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stop embedded PostgreSQL", e);
    }
  }
}
