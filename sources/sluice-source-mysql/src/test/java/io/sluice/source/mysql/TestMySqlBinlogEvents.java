package io.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MySqlGtid;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.LogEvent;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The binlog state machine on recorded MySQL 8 events (GTIDs {@code uuid:n}, anonymous GTIDs without them, table maps
 * with FULL metadata), since Oracle MySQL cannot run here: positions, GTID sets, resumes inside a transaction and
 * across a failover to a server whose files differ, key moves, unsigned and enum values, DDL, TRUNCATE and the
 * bounded end.
 */
class TestMySqlBinlogEvents {
  private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  private static final StreamId ORDERS = StreamId.of("shop", "orders");
  private static final List<MySqlColumn> SHAPE = List.of(
      new MySqlColumn("id", "int", "int unsigned", 10, 0, null, false, false, DataType.LONG),
      new MySqlColumn("status", "enum", "enum('new','paid')", 0, 0, "utf8mb4", true, false, DataType.STRING),
      new MySqlColumn("note", "varchar", "varchar(20)", 0, 0, "latin1", true, false, DataType.STRING));
  private static final StreamSpec SPEC = new StreamSpec(ORDERS, ORDERS, SyncMode.CDC,
      SHAPE.stream().map(c -> new Column(c.name(), c.type(), c.nullable(), c.columnType())).toList(), List.of("id"),
      List.of(), Optional.empty());

  private final List<MySqlBinlogItem> items = new ArrayList<>();
  private List<MySqlColumn> shape = SHAPE;

  private MySqlBinlogEvents reader(MySqlBinlogPosition start, MySqlBinlogPosition resume, MySqlBinlogPosition end)
      throws Exception {
    MySqlStreamLayouts layouts = new MySqlStreamLayouts(
        tables -> Map.of(ORDERS, new MySqlTable("shop", "orders", 10, shape, List.of("id"))), List.of(SPEC));
    layouts.refresh();
    return new MySqlBinlogEvents(layouts, Map.of(ORDERS, resume), Map.of(ORDERS, List.of("id")), start, end,
        "reading", items::add);
  }

  private static MySqlBinlogPosition at(String file, long pos, String gtids, long skip) {
    return new MySqlBinlogPosition(file, pos, gtids, skip, 4242);
  }

  @Test
  void rowsCarryTheirTransactionPositionAndCommitsAddTheGtid() throws Exception {
    MySqlBinlogPosition start = at("binlog.000007", 157, UUID + ":1-10", 0);
    MySqlBinlogEvents reader = reader(start, start, null);
    transaction(reader, "binlog.000007", 157, UUID + ":11", 900,
        insert(new Serializable[] {-1, 2, "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)},
            new Serializable[] {7, 1, null}, new Serializable[] {8, 0, null}));

    List<MySqlBinlogPosition> positions = positions();
    assertThat(positions).containsExactly(at("binlog.000007", 157, UUID + ":1-10", 1),
        at("binlog.000007", 157, UUID + ":1-10", 2), at("binlog.000007", 157, UUID + ":1-10", 3),
        at("binlog.000007", 900, UUID + ":1-11", 0));
    Object[] first = change(0).values();
    assertThat(first).containsExactly(4294967295L, "paid", "café");
    assertThat(change(1).values()).containsExactly(7L, "new", null);
    assertThat(change(2).values()).as("enum index 0 is MySQL's invalid-value ''").containsExactly(8L, "", null);
  }

  @Test
  void resumeInsideATransactionDropsExactlyTheRowsApplied() throws Exception {
    MySqlBinlogPosition start = at("binlog.000007", 157, UUID + ":1-10", 0);
    MySqlBinlogEvents reader = reader(start, at("binlog.000007", 157, UUID + ":1-10", 2), null);
    transaction(reader, "binlog.000007", 157, UUID + ":11", 900,
        insert(new Serializable[] {1, 1, null}, new Serializable[] {2, 1, null}, new Serializable[] {3, 1, null}));
    assertThat(rowIds()).containsExactly(3L);
  }

  @Test
  void afterAFailoverGtidsDecideWhatWasAppliedWhateverTheFiles() throws Exception {
    // Applied on server A up to uuid:1-11; server B's binlog has other file names and offsets.
    MySqlBinlogPosition resume = at("binlog.000007", 900, UUID + ":1-11", 0);
    MySqlBinlogEvents reader = reader(at("mysql-bin.000002", 4, UUID + ":1-10", 0), resume, null);
    transaction(reader, "mysql-bin.000002", 120, UUID + ":11", 600, insert(new Serializable[] {1, 1, null}));
    transaction(reader, "mysql-bin.000002", 600, UUID + ":12", 1100, insert(new Serializable[] {2, 1, null}));
    assertThat(rowIds()).as("uuid:11 was applied on A; uuid:12 is new").containsExactly(2L);
    assertThat(positions().get(positions().size() - 1)).isEqualTo(at("mysql-bin.000002", 1100, UUID + ":1-12", 0));
  }

  @Test
  void withoutGtidsFileAndOffsetOrderPositions() throws Exception {
    MySqlBinlogPosition start = at("binlog.000003", 4, null, 0);
    MySqlBinlogEvents reader = reader(start, at("binlog.000003", 500, null, 0), null);
    reader.handle(event(EventType.ROTATE, 0, 0, rotate("binlog.000003", 4)));
    transaction(reader, "binlog.000003", 200, null, 500, insert(new Serializable[] {1, 1, null}));
    transaction(reader, "binlog.000003", 500, null, 800, insert(new Serializable[] {2, 1, null}));
    assertThat(rowIds()).containsExactly(2L);
    assertThat(positions().get(positions().size() - 1)).isEqualTo(at("binlog.000003", 800, null, 0));
  }

  @Test
  void anUpdateThatMovesTheKeyIsADeleteAndAnInsertInOneItem() throws Exception {
    MySqlBinlogPosition start = at("binlog.000007", 157, UUID + ":1-10", 0);
    MySqlBinlogEvents reader = reader(start, start, null);
    UpdateRowsEventData update = new UpdateRowsEventData();
    update.setTableId(71);
    update.setIncludedColumns(all(3));
    update.setIncludedColumnsBeforeUpdate(all(3));
    update.setRows(List.of(new AbstractMap.SimpleEntry<>(new Serializable[] {1, 1, null},
        new Serializable[] {5, 2, null}), new AbstractMap.SimpleEntry<>(new Serializable[] {6, 1, null},
        new Serializable[] {6, 2, null})));
    transaction(reader, "binlog.000007", 157, UUID + ":11", 900, event(EventType.EXT_UPDATE_ROWS, 300, 400, update));
    MySqlBinlogItem.Rows moved = (MySqlBinlogItem.Rows) items.get(0);
    assertThat(moved.events()).extracting(e -> ((LogEvent.RowChange) e).change().operation())
        .containsExactly(Operation.DELETE, Operation.INSERT);
    assertThat(change(2).operation()).isEqualTo(Operation.UPDATE);
  }

  @Test
  void ddlRereadsTheTableAndTruncateStopsTheStream() throws Exception {
    MySqlBinlogPosition start = at("binlog.000007", 157, UUID + ":1-10", 0);
    MySqlBinlogEvents reader = reader(start, start, null);
    shape = new ArrayList<>(SHAPE);
    shape.add(new MySqlColumn("price", "decimal", "decimal(8,2)", 8, 2, null, true, false, DataType.decimal(8, 2)));
    reader.handle(event(EventType.GTID, 157, 200, gtid(UUID + ":11")));
    reader.handle(event(EventType.QUERY, 200, 350, query("shop", "ALTER TABLE orders ADD COLUMN price DECIMAL(8,2)")));
    assertThat(items.get(0)).isInstanceOf(MySqlBinlogItem.Schema.class);
    assertThat(((MySqlBinlogItem.Schema) items.get(0)).change().columns()).extracting(Column::name)
        .containsExactly("id", "status", "note", "price");
    assertThat(((MySqlBinlogItem.Advance) items.get(1)).position()).isEqualTo(at("binlog.000007", 350,
        UUID + ":1-11", 0));

    reader.handle(event(EventType.GTID, 350, 400, gtid(UUID + ":12")));
    assertThatThrownBy(() -> reader.handle(event(EventType.QUERY, 400, 500, query("other", "truncate `shop`.orders"))))
        .isInstanceOf(SluiceException.class).hasMessageContaining("shop.orders was truncated")
        .hasMessageContaining("--resync shop.orders");
  }

  @Test
  void aBoundedReadEndsAtTheCommitReachingTheEndOrAtAnIdleHeartbeat() throws Exception {
    MySqlBinlogPosition start = at("binlog.000007", 157, UUID + ":1-10", 0);
    MySqlBinlogEvents reader = reader(start, start, at("binlog.000007", 900, UUID + ":1-11", 0));
    transaction(reader, "binlog.000007", 157, UUID + ":11", 900, insert(new Serializable[] {1, 1, null}));
    assertThat(items.get(items.size() - 1)).isInstanceOf(MySqlBinlogItem.End.class);
    assertThat(reader.ended()).isTrue();

    items.clear();
    MySqlBinlogEvents idle = reader(at("binlog.000007", 900, UUID + ":1-11", 0),
        at("binlog.000007", 900, UUID + ":1-11", 0), at("binlog.000007", 900, UUID + ":1-11", 0));
    idle.handle(event(EventType.HEARTBEAT, 0, 899, null));
    assertThat(items).isEmpty();
    idle.handle(event(EventType.HEARTBEAT, 0, 900, null));
    assertThat(items).containsExactly(new MySqlBinlogItem.End());
  }

  // ---- recorded events ----

  private void transaction(MySqlBinlogEvents reader, String file, long start, String gtid, long commitNext,
      Event... rows) throws Exception {
    if (gtid != null) {
      reader.handle(event(EventType.GTID, start, start + 79, gtid(gtid)));
    } else {
      reader.handle(event(EventType.ANONYMOUS_GTID, start, start + 79, null));
    }
    reader.handle(event(EventType.QUERY, start + 79, start + 150, query("shop", "BEGIN")));
    reader.handle(event(EventType.TABLE_MAP, start + 150, start + 200, tableMap()));
    for (Event row : rows) {
      reader.handle(row);
    }
    reader.handle(event(EventType.XID, commitNext - 31, commitNext, new XidEventData()));
  }

  private static Event insert(Serializable[]... rows) {
    WriteRowsEventData data = new WriteRowsEventData();
    data.setTableId(71);
    data.setIncludedColumns(all(3));
    data.setRows(List.of(rows));
    return event(EventType.EXT_WRITE_ROWS, 300, 400, data);
  }

  private static TableMapEventData tableMap() {
    TableMapEventData map = new TableMapEventData();
    map.setTableId(71);
    map.setDatabase("shop");
    map.setTable("orders");
    map.setColumnTypes(new byte[] {3, (byte) 254, 15});
    map.setColumnMetadata(new int[] {0, 0, 20});
    TableMapEventMetadata metadata = new TableMapEventMetadata();
    metadata.setColumnNames(List.of("id", "status", "note"));
    map.setEventMetadata(metadata);
    return map;
  }

  private static GtidEventData gtid(String gtid) {
    return new GtidEventData(MySqlGtid.fromString(gtid), (byte) 0, 0, 0, 0, 0, 0, 0, 0);
  }

  private static QueryEventData query(String database, String sql) {
    QueryEventData data = new QueryEventData();
    data.setDatabase(database);
    data.setSql(sql);
    return data;
  }

  private static RotateEventData rotate(String file, long position) {
    RotateEventData data = new RotateEventData();
    data.setBinlogFilename(file);
    data.setBinlogPosition(position);
    return data;
  }

  private static Event event(EventType type, long position, long next, EventData data) {
    EventHeaderV4 header = new EventHeaderV4();
    header.setEventType(type);
    header.setTimestamp(1_767_225_600_000L);
    header.setNextPosition(next);
    header.setEventLength(Math.max(0, next - position));
    return new Event(header, data);
  }

  private static BitSet all(int columns) {
    BitSet bits = new BitSet();
    bits.set(0, columns);
    return bits;
  }

  private List<MySqlBinlogPosition> positions() {
    List<MySqlBinlogPosition> positions = new ArrayList<>();
    for (MySqlBinlogItem item : items) {
      if (item instanceof MySqlBinlogItem.Rows rows) {
        positions.add(rows.position());
      } else if (item instanceof MySqlBinlogItem.Advance advance) {
        positions.add(advance.position());
      }
    }
    return positions;
  }

  private List<ChangeEvent> changes() {
    List<ChangeEvent> changes = new ArrayList<>();
    for (MySqlBinlogItem item : items) {
      if (item instanceof MySqlBinlogItem.Rows rows) {
        rows.events().forEach(event -> changes.add(((LogEvent.RowChange) event).change()));
      }
    }
    return changes;
  }

  private ChangeEvent change(int index) {
    return changes().get(index);
  }

  private List<Object> rowIds() {
    return changes().stream().map(change -> change.values()[0]).toList();
  }
}
