package io.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from embedded binaries, on an ephemeral port of 127.0.0.1, with
 * {@code wal_level=logical}. Start one per test class (or suite) and close it in {@code @AfterAll}.
 *
 * <p>The superuser is {@code postgres} with password {@link #PASSWORD}; the database is {@code postgres}. TCP
 * connections must give the right password (SCRAM), as on a real server, so tests of wrong credentials mean
 * something; only the Unix socket, which the tests do not use, trusts every local user.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "postgres";
  public static final String PASSWORD = "embedded-pg-secret";
  public static final String DATABASE = "postgres";

  private final EmbeddedPostgres postgres;

  private PostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server; blocks until it accepts connections (a few seconds). */
  public static PostgresServer start() {
    return start(null, java.util.Map.of());
  }

  /**
   * Starts a server with some settings overridden, e.g. {@code wal_level=replica} to test what a server not set up
   * for logical replication does.
   */
  public static PostgresServer startWith(java.util.Map<String, String> settings) {
    return start(null, settings);
  }

  /**
   * Starts a server that also offers TLS with {@code certificate} (clients may still connect without TLS, so a
   * test can check that {@code ssl_mode} decides).
   */
  public static PostgresServer startWithTls(TestCertificate certificate) {
    return start(certificate, java.util.Map.of());
  }

  private static PostgresServer start(TestCertificate certificate, java.util.Map<String, String> settings) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (certificate != null) {
        builder.setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", certificate.certificateFile().toString())
            .setServerConfig("ssl_key_file", certificate.keyFile().toString());
      }
      builder
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_wal_senders", "10")
          .setServerConfig("max_replication_slots", "10")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off");
      settings.forEach(builder::setServerConfig);
      EmbeddedPostgres postgres = builder.start();
      PostgresServer server = new PostgresServer(postgres);
      try {
        server.execute("ALTER USER postgres PASSWORD '" + PASSWORD + "'");
        server.requirePasswords();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
    }
  }

  /** initdb trusts every connection; this makes TCP connections authenticate with SCRAM passwords instead. */
  private void requirePasswords() throws IOException {
    Path hbaFile;
    try (Connection connection = connect(DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW hba_file")) {
      result.next();
      hbaFile = Path.of(result.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot find pg_hba.conf of the test server: " + e.getMessage(), e);
    }
    Files.writeString(hbaFile, """
        local all all trust
        host all all 127.0.0.1/32 scram-sha-256
        host all all ::1/128 scram-sha-256
        host replication all 127.0.0.1/32 scram-sha-256
        host replication all ::1/128 scram-sha-256
        """);
    execute("SELECT pg_reload_conf()");
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
