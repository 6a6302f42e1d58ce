package io.sluice.cli;

import io.sluice.testkit.PostgresServer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.data.Record;

/**
 * The end-to-end tests' source table {@code shop.orders}, with one column per common type, NULLs, extreme
 * values and multi-byte text, and the code that reads it from PostgreSQL and from Iceberg into the same
 * normalised form, so that the two can be compared row by row, value by value.
 */
final class ShopDataset {
  static final String[] COLUMNS = {"id", "customer", "amount", "big_amount", "ratio", "qty", "small", "flag",
      "ordered_on", "ordered_at", "paid_at", "ship_time", "ref", "payload", "doc", "tags", "status"};

  private ShopDataset() {}

  static void create(PostgresServer server, int rows) {
    server.execute("""
        DROP SCHEMA IF EXISTS shop CASCADE;
        CREATE SCHEMA shop;
        CREATE TYPE shop.status AS ENUM ('new', 'paid', 'shipped');
        CREATE TABLE shop.orders (
          id bigint PRIMARY KEY, customer text, amount numeric(12,2), big_amount numeric(38,10),
          ratio double precision, qty integer, small smallint, flag boolean, ordered_on date,
          ordered_at timestamp(6), paid_at timestamptz, ship_time time, ref uuid, payload bytea, doc jsonb,
          tags text[], status shop.status);
        """);
    insert(server, 1, rows);
  }

  static void insert(PostgresServer server, long from, long to) {
    server.execute("""
        INSERT INTO shop.orders
        SELECT g,
               CASE WHEN g %% 10 = 0 THEN NULL ELSE (ARRAY['Zoë','李','Влад','😀 x','O''Brien'])[1 + g %% 5] || g END,
               CASE WHEN g %% 7 = 0 THEN NULL ELSE round((g * 1.37) %% 100000, 2) END,
               CASE g %% 1000 WHEN 1 THEN 9999999999999999999999999999.9999999999
                              WHEN 2 THEN -9999999999999999999999999999.9999999999
                              ELSE (g / 3.0)::numeric(38,10) END,
               CASE WHEN g %% 11 = 0 THEN NULL ELSE g / 7.0 END,
               CASE g %% 500 WHEN 0 THEN 2147483647 WHEN 1 THEN -2147483648 ELSE g %% 1000 END,
               (g %% 32767)::smallint,
               CASE WHEN g %% 3 = 0 THEN NULL ELSE g %% 2 = 0 END,
               date '2000-01-01' + (g %% 9000)::int,
               timestamp '1999-12-31 23:59:59.999999' + make_interval(secs => g * 61.123457),
               CASE WHEN g %% 13 = 0 THEN NULL
                    ELSE timestamptz '2024-03-31 01:30:00.000001+02' + make_interval(secs => g * 3.5) END,
               time '00:00:00' + make_interval(secs => (g * 17.25) %% 86400),
               md5(g::text)::uuid,
               CASE WHEN g %% 4 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
               CASE WHEN g %% 6 = 0 THEN NULL ELSE jsonb_build_object('n', g, 'note', 'ü' || g) END,
               CASE WHEN g %% 5 = 0 THEN NULL ELSE ARRAY['a' || g, NULL, 'ß'] END,
               (ARRAY['new','paid','shipped']::shop.status[])[1 + g %% 3]
        FROM generate_series(%d, %d) AS g;
        """.formatted(from, to));
  }

  /** Every row of shop.orders by id, normalised. */
  static Map<Long, List<Object>> fromPostgres(PostgresServer server) throws SQLException {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("SELECT " + String.join(", ", COLUMNS) + " FROM shop.orders")) {
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        row.add(r.getLong("id"));
        row.add(r.getString("customer"));
        row.add(r.getBigDecimal("amount"));
        row.add(r.getBigDecimal("big_amount"));
        row.add(r.getObject("ratio"));
        row.add(((Number) r.getObject("qty")).longValue());
        row.add(((Number) r.getObject("small")).longValue());
        row.add(r.getObject("flag"));
        row.add(r.getObject("ordered_on", LocalDate.class));
        row.add(r.getObject("ordered_at", LocalDateTime.class));
        OffsetDateTime paid = r.getObject("paid_at", OffsetDateTime.class);
        row.add(paid == null ? null : paid.toInstant());
        row.add(r.getObject("ship_time", LocalTime.class));
        row.add(r.getObject("ref", UUID.class));
        byte[] payload = r.getBytes("payload");
        row.add(payload == null ? null : HexFormat.of().formatHex(payload));
        row.add(r.getString("doc"));
        Array tags = r.getArray("tags");
        row.add(tags == null ? null : Arrays.asList((Object[]) tags.getArray()));
        row.add(r.getString("status"));
        rows.put(r.getLong("id"), row);
      }
    }
    return rows;
  }

  /** Every row of the Iceberg table by id, normalised like {@link #fromPostgres}. */
  static Map<Long, List<Object>> fromIceberg(List<Record> records) {
    Map<Long, List<Object>> rows = new TreeMap<>();
    for (Record record : records) {
      List<Object> row = new ArrayList<>();
      row.add(record.getField("id"));
      row.add(record.getField("customer"));
      row.add(record.getField("amount"));
      row.add(record.getField("big_amount"));
      row.add(record.getField("ratio"));
      row.add(((Number) record.getField("qty")).longValue());
      row.add(((Number) record.getField("small")).longValue());
      row.add(record.getField("flag"));
      row.add(record.getField("ordered_on"));
      row.add(record.getField("ordered_at"));
      OffsetDateTime paid = (OffsetDateTime) record.getField("paid_at");
      row.add(paid == null ? null : paid.toInstant());
      Object time = record.getField("ship_time");
      row.add(time == null ? null : time instanceof String text ? LocalTime.parse(text) : time);
      row.add(record.getField("ref"));
      ByteBuffer payload = (ByteBuffer) record.getField("payload");
      if (payload == null) {
        row.add(null);
      } else {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        row.add(HexFormat.of().formatHex(bytes));
      }
      row.add(record.getField("doc"));
      row.add(record.getField("tags"));
      row.add(record.getField("status"));
      Long id = (Long) record.getField("id");
      if (rows.put(id, row) != null) {
        throw new AssertionError("Iceberg holds id " + id + " twice");
      }
    }
    return rows;
  }

  static BigDecimal sumOfAmounts(Map<Long, List<Object>> rows) {
    return rows.values().stream().map(r -> (BigDecimal) r.get(2)).filter(java.util.Objects::nonNull)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }
}
