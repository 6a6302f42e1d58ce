package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.CheckResult;
import io.sluice.spi.CheckResult.Probe;
import io.sluice.spi.Source;
import io.sluice.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code check()} reports every problem at once, each with what to fix. */
class PostgresCheckIT {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA shop;
        CREATE TABLE shop.orders (id int PRIMARY KEY);
        CREATE TABLE shop.secret (id int);
        CREATE TABLE shop."Odd ""name"" x" (id int);
        CREATE SCHEMA locked;
        CREATE TABLE locked.t (id int);
        CREATE ROLE reader LOGIN PASSWORD 'reader-password';
        GRANT USAGE ON SCHEMA shop TO reader;
        GRANT SELECT ON shop.orders TO reader;
        """);
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(server);
  }

  @Test
  void passesWhenEverythingIsInPlace() {
    try (Source source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "shop"))) {
      CheckResult result = source.check();
      assertThat(result.passed()).as(result.toString()).isTrue();
      assertThat(result.probes()).extracting(Probe::name).containsExactly("connect", "schema shop");
      assertThat(result.probes().get(0).message()).startsWith("Connected to PostgreSQL 17.");
      assertThat(result.probes().get(1).message()).contains("3 table(s), 3 readable");
    }
  }

  @Test
  void reportsMissingSchemaMissingUsageAndEachMissingSelectPrivilege() {
    ObjectNode config = PostgresSourceFixture.config(server, "shop", "missing_schema", "locked");
    config.put("username", "reader");
    config.put("password", "reader-password");
    config.put("ssl_root_cert", "/no/such/ca.pem");
    try (Source source = PostgresSourceFixture.source(config)) {
      CheckResult result = source.check();
      assertThat(result.passed()).isFalse();
      assertThat(result.probes()).extracting(Probe::name, Probe::passed).containsExactly(
          org.assertj.core.groups.Tuple.tuple("ssl_root_cert", false),
          org.assertj.core.groups.Tuple.tuple("connect", true),
          org.assertj.core.groups.Tuple.tuple("schema shop", true),
          org.assertj.core.groups.Tuple.tuple("select privilege on shop.Odd \"name\" x", false),
          org.assertj.core.groups.Tuple.tuple("select privilege on shop.secret", false),
          org.assertj.core.groups.Tuple.tuple("schema missing_schema", false),
          org.assertj.core.groups.Tuple.tuple("schema locked", false));
      assertThat(result.probes().get(0).message()).contains("/no/such/ca.pem");
      assertThat(result.probes().get(3).message())
          .isEqualTo("Role reader cannot read shop.Odd \"name\" x: run GRANT SELECT ON \"shop\".\"Odd \"\"name\"\" x\" "
              + "TO \"reader\", or leave the table out of the streams file");
      assertThat(result.probes().get(5).message())
          .startsWith("Schema 'missing_schema' does not exist in database postgres: fix schemas (schemas there: ")
          .contains("locked", "public", "shop");
      assertThat(result.probes().get(6).message())
          .isEqualTo("Role reader cannot use schema 'locked': run GRANT USAGE ON SCHEMA \"locked\" TO \"reader\"");
    }
  }
}
