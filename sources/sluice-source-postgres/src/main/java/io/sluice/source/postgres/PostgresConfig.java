package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.spi.ConfigException;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import io.sluice.spi.config.FieldType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The validated config of a PostgreSQL source. {@link #SPEC} is the raw layer (it drives validation and
 * {@code sluice spec}) and the one place where defaults live; {@link #from} maps an already-validated tree into
 * this record, taking any absent key's default from {@link #SPEC} so that both layers always agree.
 *
 * @param host server host name or address
 * @param port server port
 * @param database the database to read
 * @param username the role to connect as
 * @param password the role's password; never printed, see {@link #toString()}
 * @param schemas the schemas whose tables are discovered
 * @param maxThreads how many chunks of one stream are read at once
 * @param sslMode PgJDBC's {@code sslmode}
 * @param sslRootCert path of the CA certificate for {@code verify-ca}/{@code verify-full}, if any
 * @param connectTimeoutSeconds how long to wait for a connection
 * @param chunkSizeRows target rows per chunk of a snapshot
 */
record PostgresConfig(
    String host,
    int port,
    String database,
    String username,
    String password,
    List<String> schemas,
    int maxThreads,
    String sslMode,
    Optional<String> sslRootCert,
    int connectTimeoutSeconds,
    int chunkSizeRows) {

  static final ConfigSpec SPEC = new ConfigSpec("PostgreSQL source", List.of(
      ConfigField.string("host").markRequired()
          .describe("Host name or IP address of the PostgreSQL server."),
      ConfigField.integer("port").defaultsTo(5432).range(1, 65535)
          .describe("TCP port the PostgreSQL server listens on."),
      ConfigField.string("database").markRequired()
          .describe("Name of the database whose tables are replicated."),
      ConfigField.string("username").markRequired()
          .describe("Role to connect as; it needs USAGE on the schemas and SELECT on the tables to replicate."),
      ConfigField.string("password").defaultsTo("").markSecret()
          .describe("Password of the role; use a ${ENV} reference rather than writing it into the file."),
      ConfigField.array("schemas", FieldType.STRING)
          .defaultsTo(JsonNodeFactory.instance.arrayNode().add("public"))
          .describe("Schemas whose tables are discovered and offered as streams."),
      ConfigField.integer("max_threads").defaultsTo(2).range(1, 64)
          .describe("How many chunks of one table are read in parallel, each over its own connection."),
      ConfigField.string("ssl_mode").defaultsTo("prefer")
          .oneOf("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
          .describe("TLS mode, as libpq's sslmode: verify-ca and verify-full also check the server certificate."),
      ConfigField.string("ssl_root_cert")
          .describe("Path of the PEM file with the CA certificate that signed the server's certificate."),
      ConfigField.integer("connect_timeout_seconds").defaultsTo(10).range(1, 600)
          .describe("Seconds to wait for a connection to be established before giving up."),
      ConfigField.integer("chunk_size_rows").defaultsTo(500_000).range(1000, Integer.MAX_VALUE)
          .describe("Target number of rows per snapshot chunk; chunks are read in parallel and committed one by one."),
      ConfigField.object("replication", List.of(
              ConfigField.string("slot").defaultsTo(PostgresReplicationConfig.DEFAULT_SLOT)
                  .describe("Logical replication slot of cdc streams; created when absent."),
              ConfigField.string("publication").defaultsTo(PostgresReplicationConfig.DEFAULT_PUBLICATION)
                  .describe("Publication listing the tables of cdc streams; created or extended when needed.")))
          .describe("Where cdc streams read the change log (logical replication with pgoutput, PostgreSQL 14+).")));

  PostgresConfig {
    schemas = List.copyOf(schemas);
  }

  /**
   * Maps a config that passed validation against {@link #SPEC}. Keys the engine reserves (such as {@code type})
   * are ignored.
   *
   * @throws ConfigException for cross-field problems the spec cannot express
   */
  static PostgresConfig from(JsonNode config) {
    List<String> schemas = new ArrayList<>();
    for (JsonNode schema : valueOf(config, "schemas")) {
      schemas.add(schema.asText());
    }
    if (schemas.isEmpty()) {
      throw new ConfigException("schemas", "Cannot use an empty list of schemas: name at least one schema");
    }
    JsonNode rootCert = config.get("ssl_root_cert");
    return new PostgresConfig(
        valueOf(config, "host").asText(),
        valueOf(config, "port").asInt(),
        valueOf(config, "database").asText(),
        valueOf(config, "username").asText(),
        valueOf(config, "password").asText(),
        schemas,
        valueOf(config, "max_threads").asInt(),
        valueOf(config, "ssl_mode").asText(),
        rootCert == null || rootCert.isNull() || rootCert.asText().isEmpty()
            ? Optional.empty() : Optional.of(rootCert.asText()),
        valueOf(config, "connect_timeout_seconds").asInt(),
        valueOf(config, "chunk_size_rows").asInt());
  }

  private static JsonNode valueOf(JsonNode config, String key) {
    return SPEC.valueOf(config, key);
  }

  /** {@code host:port/database}, for messages. */
  String address() {
    return host + ":" + port + "/" + database;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "PostgresConfig[" + username + "@" + address() + ", schemas=" + schemas + ", maxThreads=" + maxThreads
        + ", sslMode=" + sslMode + ", sslRootCert=" + sslRootCert.orElse("-") + ", connectTimeoutSeconds="
        + connectTimeoutSeconds + ", chunkSizeRows=" + chunkSizeRows + ", password=****]";
  }
}
