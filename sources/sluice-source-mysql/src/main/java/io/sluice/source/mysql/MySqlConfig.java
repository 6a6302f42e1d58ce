package io.sluice.source.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import io.sluice.spi.config.FieldType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The validated config of a MySQL or MariaDB source. {@link #SPEC} is the raw layer (validation and
 * {@code sluice spec}) and the one place where defaults live; {@link #from} maps a validated tree into this record.
 *
 * @param host server host name or address
 * @param port server port
 * @param databases the databases (schemas) whose tables are discovered; a stream's namespace is its database
 * @param username the user to connect as
 * @param password the user's password; never printed, see {@link #toString()}
 * @param maxThreads how many chunks of one table are read at once
 * @param sslMode {@code disable}, {@code require} (encrypted, unverified), {@code verify-ca} or {@code verify-full}
 * @param sslRootCert the CA certificate file for the verifying modes, if any
 * @param connectTimeoutSeconds how long to wait for a connection
 * @param chunkSizeRows target rows per snapshot chunk
 * @param tinyint1AsBoolean whether {@code tinyint(1)} columns are booleans (MySQL's convention) rather than integers
 * @param serverId the replica server id the binlog reader announces; empty: a random one, kept in the positions
 */
record MySqlConfig(
    String host,
    int port,
    List<String> databases,
    String username,
    String password,
    int maxThreads,
    String sslMode,
    Optional<String> sslRootCert,
    int connectTimeoutSeconds,
    int chunkSizeRows,
    boolean tinyint1AsBoolean,
    OptionalLong serverId) {

  static final ConfigSpec SPEC = new ConfigSpec("MySQL/MariaDB source", List.of(
      ConfigField.string("host").markRequired()
          .describe("Host name or IP address of the MySQL or MariaDB server."),
      ConfigField.integer("port").defaultsTo(3306).range(1, 65535)
          .describe("TCP port the server listens on."),
      ConfigField.array("databases", FieldType.STRING).markRequired()
          .describe("Databases whose tables are discovered and offered as streams (each stream's namespace)."),
      ConfigField.string("username").markRequired()
          .describe("User to connect as; it needs SELECT on the tables, and REPLICATION SLAVE and REPLICATION "
              + "CLIENT for cdc."),
      ConfigField.string("password").defaultsTo("").markSecret()
          .describe("Password of the user; use a ${ENV} reference rather than writing it into the file."),
      ConfigField.integer("max_threads").defaultsTo(2).range(1, 64)
          .describe("How many key-range chunks of one table are read in parallel, each over its own connection."),
      ConfigField.string("ssl_mode").defaultsTo("disable")
          .oneOf("disable", "require", "verify-ca", "verify-full")
          .describe("TLS: require encrypts without checking the certificate; verify-ca and verify-full check it "
              + "against ssl_root_cert (verify-full also checks the host name)."),
      ConfigField.string("ssl_root_cert")
          .describe("Path of the PEM file with the CA certificate that signed the server's certificate."),
      ConfigField.integer("connect_timeout_seconds").defaultsTo(10).range(1, 600)
          .describe("Seconds to wait for a connection to be established before giving up."),
      ConfigField.integer("chunk_size_rows").defaultsTo(500_000).range(1000, Integer.MAX_VALUE)
          .describe("Target number of rows per snapshot chunk (key ranges read in parallel)."),
      ConfigField.bool("tinyint1_as_boolean").defaultsTo(false)
          .describe("Read tinyint(1) columns as booleans (MySQL's BOOLEAN alias) instead of integers."),
      ConfigField.object("replication", List.of(
              ConfigField.integer("server_id").range(1, Integer.MAX_VALUE)
                  .describe("Server id the binlog reader announces, unique among the server's replicas; by default "
                      + "a random id chosen by the first cdc sync and kept in the state file.")))
          .describe("How cdc streams read the binary log (binlog_format=ROW, binlog_row_image=FULL).")));

  MySqlConfig {
    databases = List.copyOf(databases);
  }

  /**
   * Maps a config that passed validation against {@link #SPEC}.
   *
   * @throws ConfigException for cross-field problems the spec cannot express
   */
  static MySqlConfig from(JsonNode config) {
    List<String> databases = new ArrayList<>();
    for (JsonNode database : valueOf(config, "databases")) {
      databases.add(database.asText());
    }
    if (databases.isEmpty()) {
      throw new ConfigException("databases", "Cannot use an empty list of databases: name at least one database");
    }
    String sslMode = valueOf(config, "ssl_mode").asText();
    JsonNode rootCert = config.get("ssl_root_cert");
    Optional<String> sslRootCert = rootCert == null || rootCert.isNull() || rootCert.asText().isEmpty()
        ? Optional.empty() : Optional.of(rootCert.asText());
    if (sslMode.startsWith("verify") && sslRootCert.isEmpty()) {
      throw new ConfigException("ssl_root_cert", "Cannot use ssl_mode " + sslMode + " without ssl_root_cert: set "
          + "it to the PEM file of the CA that signed the server's certificate");
    }
    JsonNode replication = config.get("replication");
    JsonNode serverId = replication == null ? null : replication.get("server_id");
    return new MySqlConfig(
        valueOf(config, "host").asText(),
        valueOf(config, "port").asInt(),
        databases,
        valueOf(config, "username").asText(),
        valueOf(config, "password").asText(),
        valueOf(config, "max_threads").asInt(),
        sslMode,
        sslRootCert,
        valueOf(config, "connect_timeout_seconds").asInt(),
        valueOf(config, "chunk_size_rows").asInt(),
        valueOf(config, "tinyint1_as_boolean").asBoolean(),
        serverId == null || serverId.isNull() ? OptionalLong.empty() : OptionalLong.of(serverId.asLong()));
  }

  private static JsonNode valueOf(JsonNode config, String key) {
    return SPEC.valueOf(config, key);
  }

  /** {@code host:port}, for messages. */
  String address() {
    return host + ":" + port;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "MySqlConfig[" + username + "@" + address() + ", databases=" + databases + ", maxThreads=" + maxThreads
        + ", sslMode=" + sslMode + ", sslRootCert=" + sslRootCert.orElse("-") + ", connectTimeoutSeconds="
        + connectTimeoutSeconds + ", chunkSizeRows=" + chunkSizeRows + ", tinyint1AsBoolean=" + tinyint1AsBoolean
        + ", password=****]";
  }
}
