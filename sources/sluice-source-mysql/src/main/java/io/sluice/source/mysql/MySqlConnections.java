package io.sluice.source.mysql;

import io.sluice.spi.SluiceException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens JDBC connections (MariaDB Connector/J, which speaks to MySQL 8 and MariaDB alike) for one config. Every
 * session runs with {@code time_zone = '+00:00'}, so {@code timestamp} columns read as UTC whatever the server's
 * zone, and in {@code utf8mb4}, so text of any column charset arrives decoded. Thread-safe.
 */
final class MySqlConnections {
  private final MySqlConfig config;

  MySqlConnections(MySqlConfig config) {
    this.config = config;
  }

  MySqlConfig config() {
    return config;
  }

  /**
   * A new connection; the caller closes it.
   *
   * @throws SluiceException naming the server and the user (never the password) when it cannot be opened
   */
  Connection open() {
    try {
      return DriverManager.getConnection("jdbc:mariadb://" + config.host() + ":" + config.port() + "/",
          properties());
    } catch (SQLException e) {
      throw MySqlErrorClassifier.connectFailure(config, e);
    }
  }

  private Properties properties() {
    Properties properties = new Properties();
    properties.setProperty("user", config.username());
    properties.setProperty("password", config.password());
    properties.setProperty("connectTimeout", String.valueOf(config.connectTimeoutSeconds() * 1000));
    properties.setProperty("sessionVariables", "time_zone='+00:00'");
    properties.setProperty("permitMysqlScheme", "true");
    properties.setProperty("sslMode", switch (config.sslMode()) {
      case "require" -> "trust";
      case "verify-ca" -> "verify-ca";
      case "verify-full" -> "verify-full";
      default -> "disable";
    });
    config.sslRootCert().ifPresent(path -> properties.setProperty("serverSslCert", path));
    return properties;
  }
}
