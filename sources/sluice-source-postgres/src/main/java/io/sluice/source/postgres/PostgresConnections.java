package io.sluice.source.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.util.PSQLState;

/**
 * Opens PgJDBC connections for one config. Thread-safe; every caller gets its own connection and closes it.
 *
 * <p>The password travels in the connection properties only, never in the URL, so it cannot surface in the
 * driver's messages or logs.
 */
final class PostgresConnections {
  /**
   * How long a read may wait for the next bytes from the server before the connection counts as dead. Generous,
   * because the server may scan a while before the first row of a chunk; it is what turns a silently dropped
   * connection into a retryable error instead of a hang.
   */
  static final int SOCKET_TIMEOUT_SECONDS = 600;

  private final PostgresConfig config;
  private final Driver driver = new Driver();
  private final String url;

  PostgresConnections(PostgresConfig config) {
    this.config = config;
    String host = config.host().contains(":") && !config.host().startsWith("[")
        ? "[" + config.host() + "]" : config.host();
    // PgJDBC URL-decodes the database name, so any name survives the round trip.
    this.url = "jdbc:postgresql://" + host + ":" + config.port() + "/"
        + URLEncoder.encode(config.database(), StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Opens a connection in auto-commit mode.
   *
   * @throws io.sluice.spi.SluiceException "Cannot connect to postgres at host:port/database as user: reason",
   *     {@code PERMANENT} for credentials, unknown databases and TLS problems, {@code TRANSIENT} for refused,
   *     timed-out or dropped connections
   */
  Connection open() {
    return connect(new Properties());
  }

  /**
   * Opens a logical replication connection ({@code replication=database}, simple query mode), for
   * {@code CREATE_REPLICATION_SLOT} and streaming.
   *
   * @throws io.sluice.spi.SluiceException as {@link #open()}
   */
  Connection openReplication() {
    Properties properties = new Properties();
    properties.setProperty("replication", "database");
    properties.setProperty("preferQueryMode", "simple");
    properties.setProperty("assumeMinServerVersion", "14");
    try {
      return connect(properties);
    } catch (io.sluice.spi.SluiceException e) {
      if (String.valueOf(e.getMessage()).contains("permission denied to start WAL sender")) {
        throw new io.sluice.spi.SluiceException(io.sluice.spi.ErrorKind.CONFIG, "Cannot open a replication "
            + "connection to postgres at " + config.address() + " as " + config.username() + ": the role lacks the "
            + "REPLICATION attribute; run ALTER ROLE " + PostgresIdentifiers.quote(config.username())
            + " REPLICATION; (or use a superuser)", e);
      }
      throw e;
    }
  }

  private Connection connect(Properties properties) {
    properties.setProperty("user", config.username());
    properties.setProperty("password", config.password());
    properties.setProperty("connectTimeout", Integer.toString(config.connectTimeoutSeconds()));
    properties.setProperty("loginTimeout", Integer.toString(config.connectTimeoutSeconds()));
    properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "sluice");
    properties.setProperty("sslmode", config.sslMode());
    config.sslRootCert().ifPresent(path -> properties.setProperty("sslrootcert", path));
    // Kerberos is not configurable here; probing for it only delays connecting.
    properties.setProperty("gssEncMode", "disable");
    try {
      Connection connection = driver.connect(url, properties);
      if (connection == null) {
        throw new SQLException("the driver did not accept the URL " + url, PSQLState.CONNECTION_UNABLE_TO_CONNECT.getState());
      }
      return connection;
    } catch (SQLException e) {
      throw PostgresErrorClassifier.connectFailure(config, e);
    }
  }

  PostgresConfig config() {
    return config;
  }
}
