package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.Catalog;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.PostgresServer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery: which relations become streams (tables and partitioned tables of the configured schemas that the
 * role can read; no views, sequences, partitions or other schemas), and each stream's columns, types,
 * nullability, key, sync modes and notes, also for names that need quoting.
 */
class PostgresDiscoverIT {
  static final String WEIRD_TABLE = "Weird \"Name\". With Space";
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA shop;
        CREATE SCHEMA elsewhere;
        CREATE TABLE shop.orders (
          id bigint PRIMARY KEY,
          customer text NOT NULL,
          total numeric(12,2),
          placed_at timestamptz NOT NULL DEFAULT now(),
          note varchar(100)
        );
        CREATE TABLE shop.order_lines (order_id bigint, line int, sku text NOT NULL, PRIMARY KEY (line, order_id));
        CREATE TABLE shop."Weird ""Name"". With Space" ("Mixed Case" int PRIMARY KEY, "dot.col" text, "ünï ☃" text);
        INSERT INTO shop."Weird ""Name"". With Space" VALUES (1, 'a.b', '☃'), (2, NULL, 'x');
        CREATE TABLE shop.dropped_column (a int, b int, c int);
        ALTER TABLE shop.dropped_column DROP COLUMN b;
        CREATE TABLE shop.events (at date NOT NULL, kind text) PARTITION BY RANGE (at);
        CREATE TABLE shop.events_2024 PARTITION OF shop.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE shop.secret (id int);
        CREATE TABLE shop.blobs (digest bytea PRIMARY KEY, size int);
        CREATE VIEW shop.order_view AS SELECT * FROM shop.orders;
        CREATE MATERIALIZED VIEW shop.order_summary AS SELECT count(*) FROM shop.orders;
        CREATE SEQUENCE shop.order_numbers;
        CREATE TABLE elsewhere.hidden (id int);
        CREATE ROLE reader LOGIN PASSWORD 'reader-password';
        GRANT USAGE ON SCHEMA shop TO reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA shop TO reader;
        REVOKE SELECT ON shop.secret FROM reader;
        """);
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(server);
  }

  @Test
  void listsTablesAndPartitionedTablesOfTheConfiguredSchemasOnly() {
    try (Source source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "shop"))) {
      assertThat(source.discover().streams()).extracting(StreamDescriptor::id).containsExactly(
          StreamId.of("shop", WEIRD_TABLE), StreamId.of("shop", "blobs"), StreamId.of("shop", "dropped_column"),
          StreamId.of("shop", "events"),
          StreamId.of("shop", "order_lines"), StreamId.of("shop", "orders"), StreamId.of("shop", "secret"));
    }
  }

  @Test
  void leavesOutTablesTheRoleCannotRead() {
    ObjectNode config = PostgresSourceFixture.config(server, "shop", "elsewhere");
    config.put("username", "reader");
    config.put("password", "reader-password");
    try (Source source = PostgresSourceFixture.source(config)) {
      assertThat(source.discover().streams()).extracting(s -> s.id().name())
          .contains("orders")
          .doesNotContain("secret", "hidden");
    }
  }

  @Test
  void describesColumnsInOrderWithTypesNullabilityAndKey() {
    try (Source source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "shop"))) {
      Catalog catalog = source.discover();
      StreamDescriptor orders = PostgresSourceFixture.stream(catalog, "shop", "orders");
      assertThat(orders.columns()).containsExactly(
          new Column("id", DataType.LONG, false, "bigint"),
          new Column("customer", DataType.STRING, false, "text"),
          new Column("total", DataType.decimal(12, 2), true, "numeric(12,2)"),
          new Column("placed_at", DataType.TIMESTAMP_TZ, false, "timestamp with time zone"),
          new Column("note", DataType.STRING, true, "character varying(100)"));
      assertThat(orders.primaryKey()).containsExactly("id");
      assertThat(orders.syncModes()).containsExactlyInAnyOrder(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL,
          SyncMode.CDC, SyncMode.CDC_ONLY);
      assertThat(orders.notes()).containsExactly(
          "incremental: cursor-based sync does not see deletes; rows whose cursor is NULL are skipped and counted");

      StreamDescriptor lines = PostgresSourceFixture.stream(catalog, "shop", "order_lines");
      assertThat(lines.columns()).extracting(Column::name).containsExactly("order_id", "line", "sku");
      assertThat(lines.primaryKey()).as("key order, not column order").containsExactly("line", "order_id");
      assertThat(lines.columns()).extracting(Column::nullable).containsExactly(false, false, false);

      assertThat(PostgresSourceFixture.stream(catalog, "shop", "dropped_column").columns())
          .extracting(Column::name).containsExactly("a", "c");
      StreamDescriptor secret = PostgresSourceFixture.stream(catalog, "shop", "secret");
      assertThat(secret.primaryKey()).isEmpty();
      assertThat(secret.syncModes()).as("listed; the engine refuses incremental without a key")
          .containsExactlyInAnyOrder(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL);
      assertThat(secret.notes()).containsExactly(
          "no primary key: snapshots are chunked by physical location (ctid), so a load interrupted by a crash starts "
              + "over instead of going on",
          "no primary key: cdc is not offered; set primary_key in the streams file to columns that identify a row "
              + "to capture changes",
          "no primary key: incremental needs primary_key set in the streams file to columns that identify a row, "
              + "because cursor reads page by (cursor, key) and rows are upserted by key",
          "incremental: cursor-based sync does not see deletes; rows whose cursor is NULL are skipped and counted");
      assertThat(PostgresSourceFixture.stream(catalog, "shop", "blobs").notes()).contains("primary key column "
          + "digest is of type bytea, which snapshot chunks cannot be bounded by: snapshots are chunked by physical "
          + "location (ctid), so a load interrupted by a crash starts over instead of going on");
      assertThat(PostgresSourceFixture.stream(catalog, "shop", "order_lines").notes()).noneMatch(n -> n.contains("ctid"));
      assertThat(PostgresSourceFixture.stream(catalog, "shop", "events").notes())
          .anyMatch(n -> n.contains("partitioned"));
    }
  }

  @Test
  void namesThatNeedQuotingAreDiscoveredAndReadExactly() throws Exception {
    try (Source source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "shop"))) {
      StreamDescriptor weird = PostgresSourceFixture.stream(source.discover(), "shop", WEIRD_TABLE);
      assertThat(weird.columns()).extracting(Column::name).containsExactly("Mixed Case", "dot.col", "ünï ☃");
      assertThat(weird.primaryKey()).containsExactly("Mixed Case");

      List<Object[]> rows = PostgresSourceFixture.readAll(source, PostgresSourceFixture.spec(weird));
      assertThat(rows).extracting(Arrays::asList).containsExactlyInAnyOrder(
          Arrays.asList(1, "a.b", "☃"), Arrays.asList(2, null, "x"));
    }
  }
}
