package io.sluice.source.postgres;

import io.sluice.spi.CheckResult;
import io.sluice.spi.CheckResult.Probe;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The probes of {@code sluice check}: the CA file, connecting (and the server version), each configured schema
 * (exists, USAGE), and SELECT on each of its tables. Every failed probe says what to fix. Never throws for an
 * unreachable or misconfigured server: that is a failed probe.
 */
final class PostgresSourceCheck {
  private final PostgresConnections connections;
  private final PostgresConfig config;

  PostgresSourceCheck(PostgresConnections connections) {
    this.connections = connections;
    this.config = connections.config();
  }

  CheckResult run() {
    List<Probe> probes = new ArrayList<>();
    config.sslRootCert().ifPresent(path -> {
      if (!Files.isReadable(Path.of(path))) {
        probes.add(Probe.fail("ssl_root_cert", "Cannot read the CA certificate file '" + path
            + "': fix ssl_root_cert to name a readable PEM file"));
      }
    });
    Connection connection;
    try {
      connection = connections.open();
    } catch (SluiceException e) {
      String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
      probes.add(Probe.fail("connect", message + " " + connectHint(e)));
      return new CheckResult(probes);
    }
    try (connection) {
      probes.add(Probe.pass("connect", "Connected to PostgreSQL " + serverVersion(connection) + " at "
          + config.address() + " as " + config.username()));
      for (String schema : config.schemas()) {
        probeSchema(connection, schema, probes);
      }
    } catch (SQLException e) {
      probes.add(Probe.fail("catalog", PostgresErrorClassifier.failure(
          "Cannot read the catalog of " + config.address(), e).getMessage()));
    }
    return new CheckResult(probes);
  }

  private String connectHint(SluiceException e) {
    if (e.kind() == ErrorKind.TRANSIENT) {
      return "Check host and port, that the server runs and accepts TCP connections from here (listen_addresses, "
          + "firewalls), and connect_timeout_seconds";
    }
    return "Check username, password, database and ssl_mode, and that pg_hba.conf admits this role from this host";
  }

  private static String serverVersion(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SHOW server_version");
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getString(1);
    }
  }

  private void probeSchema(Connection connection, String schema, List<Probe> probes) throws SQLException {
    String name = "schema " + schema;
    long schemaOid;
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT n.oid, has_schema_privilege(n.oid, 'USAGE') FROM pg_catalog.pg_namespace n WHERE n.nspname = ?")) {
      statement.setString(1, schema);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          probes.add(Probe.fail(name, "Schema '" + schema + "' does not exist in database " + config.database()
              + ": fix schemas (schemas there: " + String.join(", ", existingSchemas(connection)) + ")"));
          return;
        }
        schemaOid = result.getLong(1);
        if (!result.getBoolean(2)) {
          probes.add(Probe.fail(name, "Role " + config.username() + " cannot use schema '" + schema + "': run GRANT "
              + "USAGE ON SCHEMA " + PostgresIdentifiers.quote(schema) + " TO "
              + PostgresIdentifiers.quote(config.username())));
          return;
        }
      }
    }
    List<String> unreadable = new ArrayList<>();
    int tables = 0;
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT c.relname, has_table_privilege(c.oid, 'SELECT')
        FROM pg_catalog.pg_class c
        WHERE c.relnamespace = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname
        """)) {
      statement.setLong(1, schemaOid);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          tables++;
          if (!result.getBoolean(2)) {
            unreadable.add(result.getString(1));
          }
        }
      }
    }
    probes.add(Probe.pass(name, "Schema '" + schema + "' has " + tables + " table(s), "
        + (tables - unreadable.size()) + " readable by " + config.username()));
    for (String table : unreadable) {
      String quoted = PostgresIdentifiers.quote(schema, table);
      probes.add(Probe.fail("select privilege on " + schema + "." + table, "Role " + config.username()
          + " cannot read " + schema + "." + table + ": run GRANT SELECT ON " + quoted + " TO "
          + PostgresIdentifiers.quote(config.username()) + ", or leave the table out of the streams file"));
    }
  }

  private static List<String> existingSchemas(Connection connection) throws SQLException {
    List<String> schemas = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT nspname FROM pg_catalog.pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
        ORDER BY nspname LIMIT 20
        """);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        schemas.add(result.getString(1));
      }
    }
    return schemas;
  }
}
