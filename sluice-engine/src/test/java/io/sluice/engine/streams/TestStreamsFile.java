package io.sluice.engine.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.spi.Catalog;
import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DataType;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestStreamsFile {
  private static final Catalog CATALOG = new Catalog(List.of(
      new StreamDescriptor(StreamId.of("public", "orders"), List.of(
          new Column("id", DataType.LONG, false, "bigint"),
          new Column("total", DataType.decimal(12, 2), true, "numeric(12,2)"),
          new Column("Created At", DataType.TIMESTAMP_TZ, true, "timestamp with time zone")),
          List.of("id"), Set.of(SyncMode.FULL_REFRESH), List.of()),
      new StreamDescriptor(StreamId.of("public", "tickets"), List.of(
          new Column("id", DataType.LONG, false, "bigint"),
          new Column("updated_at", DataType.TIMESTAMP, true, "timestamp without time zone"),
          new Column("created_at", DataType.TIMESTAMP, false, "timestamp without time zone"),
          new Column("closed_on", DataType.DATE, true, "date")),
          List.of("id"), Set.of(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL), List.of()),
      new StreamDescriptor(StreamId.of("public", "events"), List.of(
          new Column("kind", DataType.STRING, true, "text")), List.of(), Set.of(SyncMode.FULL_REFRESH), List.of())));

  private static ObjectNode discovered() {
    return (ObjectNode) JsonFiles.parseObject(JsonFiles.toText(StreamsFile.render(CATALOG)), "streams.json");
  }

  @Test
  void discoverOutputUnchangedSyncsEveryStreamWithAllColumns() {
    List<StreamSpec> specs = StreamsFile.resolve(discovered(), "streams.json", CATALOG).stream()
        .map(ConfiguredStream::spec).toList();
    assertThat(specs).hasSize(3);
    StreamSpec orders = specs.get(0);
    assertThat(orders.source()).isEqualTo(StreamId.of("public", "orders"));
    assertThat(orders.destination()).isEqualTo(orders.source());
    assertThat(orders.columns()).isEqualTo(CATALOG.streams().get(0).columns());
    assertThat(orders.primaryKey()).containsExactly("id");
    assertThat(orders.syncMode()).isEqualTo(SyncMode.FULL_REFRESH);
  }

  @Test
  void userEditsAreHonoured() {
    ObjectNode root = discovered();
    ObjectNode orders = (ObjectNode) root.get("streams").get(0);
    ArrayNode columns = orders.putArray("columns");
    columns.add("id").add("Created At");
    orders.putArray("partitioning").add("day(Created At)");
    orders.putObject("destination").put("namespace", "lake").put("name", "orders_v2");
    ((ObjectNode) root.get("streams").get(1)).put("selected", false);
    ((ObjectNode) root.get("streams").get(2)).put("selected", false);
    List<StreamSpec> specs = StreamsFile.resolve(root, "streams.json", CATALOG).stream()
        .map(ConfiguredStream::spec).toList();
    assertThat(specs).hasSize(1);
    assertThat(specs.get(0).columns()).extracting(Column::name).containsExactly("id", "Created At");
    assertThat(specs.get(0).destination()).isEqualTo(StreamId.of("lake", "orders_v2"));
    assertThat(specs.get(0).partitioning()).containsExactly("day(Created At)");
  }

  @Test
  void aTableThatNoLongerExistsIsNamed() {
    ObjectNode root = discovered();
    ((ObjectNode) root.get("streams").get(2)).put("name", "evnts");
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", CATALOG))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.json: streams[2] names table public.evnts, which does not exist")
        .hasMessageContaining("did you mean 'public.events'?");
  }

  @Test
  void unknownKeysColumnsAndModesAreNamed() {
    ObjectNode root = discovered();
    ((ObjectNode) root.get("streams").get(0)).put("sync_mod", "cdc");
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", CATALOG))
        .hasMessageContaining("key 'streams[0].sync_mod' is unknown (did you mean 'sync_mode'?)");

    ObjectNode modes = discovered();
    ((ObjectNode) modes.get("streams").get(0)).put("sync_mode", "cdc");
    assertThatThrownBy(() -> StreamsFile.resolve(modes, "streams.json", CATALOG))
        .hasMessageContaining("'cdc', which public.orders does not support; expected one of full_refresh");

    ObjectNode columns = discovered();
    ((ObjectNode) columns.get("streams").get(0)).putArray("columns").add("id").add("totl");
    assertThatThrownBy(() -> StreamsFile.resolve(columns, "streams.json", CATALOG))
        .hasMessageContaining("streams[0].columns[1] names column 'totl', which public.orders does not have "
            + "(did you mean 'total'?)");

    ObjectNode key = discovered();
    ((ObjectNode) key.get("streams").get(0)).putArray("columns").add("total");
    assertThatThrownBy(() -> StreamsFile.resolve(key, "streams.json", CATALOG))
        .hasMessageContaining("names column 'id', which is not among the stream's selected columns");
  }

  @Test
  void aSecondaryCursorMustBeAnotherSelectedColumnOfTheCursorsType() {
    ObjectNode root = discovered();
    ObjectNode tickets = (ObjectNode) root.get("streams").get(1);
    tickets.put("sync_mode", "incremental").put("cursor_field", "updated_at").put("secondary_cursor_field",
        "created_at");
    StreamSpec spec = StreamsFile.resolve(root, "streams.json", CATALOG).get(1).spec();
    assertThat(spec.secondaryCursorField()).hasValue("created_at");

    tickets.put("secondary_cursor_field", "closed_on");
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", CATALOG))
        .hasMessageContaining("key 'streams[1].secondary_cursor_field' names column 'closed_on' (date), expected "
            + "another column of the cursor's type (timestamp without time zone)");
    tickets.put("secondary_cursor_field", "created");
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", CATALOG))
        .hasMessageContaining("names column 'created', which is not among the selected columns of public.tickets");
  }

  @Test
  void nothingSelectedIsAnError() {
    ObjectNode root = discovered();
    root.get("streams").forEach(s -> ((ObjectNode) s).put("selected", false));
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", CATALOG))
        .hasMessageContaining("no stream is selected");
  }

  @Test
  void aDroppedTableIsNotMistakenForAnotherOfItsSchema() {
    ObjectNode root = discovered();
    ((ObjectNode) root.get("streams").get(2)).put("name", "archive");
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", CATALOG))
        .hasMessage("Invalid streams.json: streams[2] names table public.archive, which does not exist in the source "
            + "(or is not readable); run discover again or remove the stream");
  }

  @Test
  void aStreamTheSourceCannotReadFailsWithTheSourcesReasonNotAsAMissingTable() {
    ObjectNode root = discovered();
    ((ObjectNode) root.get("streams").get(2)).put("name", "payroll");
    Catalog withUnreadable = new Catalog(CATALOG.streams(), java.util.Map.of(StreamId.of("public", "payroll"),
        "role etl lacks SELECT on table public.payroll; run GRANT SELECT ON \"public\".\"payroll\" TO \"etl\""));
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", withUnreadable))
        .isInstanceOf(io.sluice.spi.SluiceException.class).isNotInstanceOf(ConfigException.class)
        .hasMessage("Cannot sync public.payroll (streams[2] of streams.json): role etl lacks SELECT on table "
            + "public.payroll; run GRANT SELECT ON \"public\".\"payroll\" TO \"etl\", or deselect the stream "
            + "(\"selected\": false)")
        .extracting(e -> ((io.sluice.spi.SluiceException) e).kind()).isEqualTo(io.sluice.spi.ErrorKind.PERMANENT);
    ((ObjectNode) root.get("streams").get(2)).put("selected", false);
    assertThat(StreamsFile.resolve(root, "streams.json", withUnreadable)).hasSize(2);
  }

  @Test
  void columnsDifferingOnlyInCaseAreRefused() {
    Catalog catalog = new Catalog(List.of(new StreamDescriptor(StreamId.of("public", "ledger"), List.of(
        new Column("id", DataType.LONG, false, "bigint"),
        new Column("Amount", DataType.decimal(10, 2), true, "numeric(10,2)"),
        new Column("amount", DataType.decimal(10, 2), true, "numeric(10,2)")),
        List.of("id"), Set.of(SyncMode.FULL_REFRESH), List.of())));
    ObjectNode root = (ObjectNode) JsonFiles.parseObject(JsonFiles.toText(StreamsFile.render(catalog)), "s.json");
    assertThatThrownBy(() -> StreamsFile.resolve(root, "streams.json", catalog))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams[0] (public.ledger) selects columns 'Amount' and 'amount', whose names differ "
            + "only in case");
    ((ArrayNode) root.get("streams").get(0).get("columns")).remove(1);
    assertThat(StreamsFile.resolve(root, "streams.json", catalog).get(0).spec().columns())
        .extracting(Column::name).containsExactly("id", "amount");
  }
}
