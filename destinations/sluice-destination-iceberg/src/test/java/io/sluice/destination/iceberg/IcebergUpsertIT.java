package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.CommitResult;
import io.sluice.spi.DataType;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UPSERT: the table holds exactly the last version of every key, whatever the order of inserts, updates and
 * deletes within and across commits, for every key type and partitioning. Tables are read back through a
 * separate catalog with Iceberg's generic reader, which applies the delete files.
 */
class IcebergUpsertIT {
  private static final List<Column> PEOPLE_COLUMNS = List.of(
      column("id", DataType.LONG), column("name", DataType.STRING), column("updated_at", DataType.TIMESTAMP));

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  @ParameterizedTest(name = "format version {0}")
  @ValueSource(ints = {2, 3})
  void theLastEventOfAKeyWinsWithinOneCommit(int formatVersion) {
    StreamWriter writer = warehouse.with("format_version", formatVersion).open(people(), WriteMode.UPSERT, "load");
    List<ChangeEvent> events = List.of(
        insert(1, "inserted"), update(1, "updated"), delete(1),
        insert(2, "v1"), update(2, "v2"), update(2, "v3"),
        update(3, "first"), update(3, "second"),
        insert(4, "before"), delete(4), insert(4, "again"),
        delete(5),
        insert(6, "only"));
    events.forEach(writer::write);
    CommitResult result = writer.commit("cp-1");

    assertThat(names("people")).isEqualTo(Map.of(2L, "v3", 3L, "second", 4L, "again", 6L, "only"));
    Table table = warehouse.table("people");
    assertThat(table.snapshots()).hasSize(1);
    Snapshot snapshot = table.currentSnapshot();
    assertThat(snapshot.summary())
        .containsEntry("sluice.checkpoint", "cp-1")
        .containsEntry("added-records", "10")
        .as("one equality delete per key, however often it changed")
        .containsEntry("added-equality-deletes", "6");
    assertThat(result.records()).isEqualTo(events.size());
    assertThat(result.version()).isEqualTo(Long.toString(snapshot.snapshotId()));
    List<DeleteFile> positionDeletes = addedDeleteFiles(table, snapshot).stream()
        .filter(file -> file.content() == FileContent.POSITION_DELETES).toList();
    assertThat(positionDeletes).as("rows replaced within the commit are removed by position").isNotEmpty()
        .allSatisfy(file -> assertThat(file.format())
            .isEqualTo(formatVersion == 2 ? FileFormat.PARQUET : FileFormat.PUFFIN));
    assertThat(positionDeletes.stream().mapToLong(DeleteFile::recordCount).sum())
        .as("replaced rows of keys 1 and 2 (twice each), 3 and 4 (once each)").isEqualTo(6);
    assertThat(result.files()).isEqualTo(addedDataFiles(table, snapshot).size() + addedDeleteFiles(table, snapshot).size());
  }

  @Test
  void laterCommitsReplaceAndRemoveTheRowsOfEarlierOnes() {
    StreamWriter writer = warehouse.open(people(), WriteMode.UPSERT, "load");
    for (long id = 1; id <= 5; id++) {
      writer.write(insert(id, "v1"));
    }
    writer.commit("cp-1");
    assertThat(names("people")).isEqualTo(Map.of(1L, "v1", 2L, "v1", 3L, "v1", 4L, "v1", 5L, "v1"));

    Stream.of(update(1, "v2"), delete(2), insert(6, "v1"), delete(99)).forEach(writer::write);
    writer.commit("cp-2");
    assertThat(names("people")).isEqualTo(Map.of(1L, "v2", 3L, "v1", 4L, "v1", 5L, "v1", 6L, "v1"));

    Stream.of(delete(1), insert(2, "back"), update(6, "v2"), update(3, "v2"), update(3, "v3"), insert(5, "v2"))
        .forEach(writer::write);
    writer.commit("cp-3");
    assertThat(names("people")).isEqualTo(Map.of(2L, "back", 3L, "v3", 4L, "v1", 5L, "v2", 6L, "v2"));
    assertThat(warehouse.table("people").currentSnapshot().summary()).containsEntry("sluice.checkpoint", "cp-3");
  }

  @Test
  void deletingKeysThatHaveNoRowChangesNothing() {
    StreamWriter writer = warehouse.open(people(), WriteMode.UPSERT, "load");
    Stream.of(delete(1), delete(2), delete(1)).forEach(writer::write);
    writer.commit("cp-1");
    assertThat(names("people")).isEmpty();
    assertThat(warehouse.table("people").currentSnapshot().summary())
        .containsEntry("sluice.checkpoint", "cp-1")
        .containsEntry("added-equality-deletes", "2");

    writer.write(insert(1, "kept"));
    writer.commit("cp-2");
    Stream.of(delete(3), delete(4), delete(3)).forEach(writer::write);
    writer.commit("cp-3");
    assertThat(names("people")).isEqualTo(Map.of(1L, "kept"));
  }

  /** 10,000 random changes of 1,000 keys over several commits equal a map that applied them in order. */
  @ParameterizedTest(name = "partitioned by [{0}], format version {1}")
  @MethodSource("partitioningsAndFormats")
  void randomChangesEqualAModel(String partitioning, int formatVersion) {
    StreamSpec spec = people(partitioning.isEmpty() ? List.of() : List.of(partitioning));
    StreamWriter writer = warehouse.with("format_version", formatVersion).open(spec, WriteMode.UPSERT, "load");
    Random random = new Random(7 + formatVersion + partitioning.hashCode());
    Map<Long, List<Object>> model = new HashMap<>();
    int commits = 0;
    for (int event = 1; event <= 10_000; event++) {
      long id = random.nextInt(1_000);
      int choice = random.nextInt(10);
      if (choice < 2) {
        writer.write(delete(id));
        model.remove(id);
      } else {
        // updated_at over a week: with day(updated_at), most updates move the row to another partition
        Object[] row = {id, "v" + event, LocalDateTime.of(2024, 5, 1 + random.nextInt(7), 12, 0)};
        writer.write(choice < 5 ? ChangeEvent.insert(row, 40) : ChangeEvent.update(row, 40));
        model.put(id, List.of(row[1], row[2]));
      }
      if (random.nextInt(1_500) == 0 || event == 10_000) {
        writer.commit("cp-" + event);
        commits++;
        assertThat(differences(contents("people", "id"), keyedByList(model))).as("after event %d", event).isEmpty();
      }
    }
    assertThat(commits).isGreaterThan(3);
    assertThat(warehouse.open(spec, WriteMode.UPSERT, "load").committedCheckpoint()).contains("cp-10000");
  }

  static Stream<Arguments> partitioningsAndFormats() {
    return Stream.of(
        Arguments.of("", 2),
        Arguments.of("bucket(8, id)", 2),
        Arguments.of("day(updated_at)", 2),
        Arguments.of("", 3),
        Arguments.of("day(updated_at)", 3));
  }

  @Test
  void compositeKeysIdentifyRowsByAllTheirColumns() {
    StreamSpec spec = stream("accounts", List.of(column("region", DataType.STRING), column("id", DataType.INT),
        column("balance", DataType.decimal(10, 2))), List.of("region", "id"), List.of());
    StreamWriter writer = warehouse.open(spec, WriteMode.UPSERT, "load");
    writer.write(ChangeEvent.insert(new Object[] {"eu", 1, new BigDecimal("1.00")}, 20));
    writer.write(ChangeEvent.insert(new Object[] {"us", 1, new BigDecimal("2.00")}, 20));
    writer.write(ChangeEvent.insert(new Object[] {"eu", 2, new BigDecimal("3.00")}, 20));
    writer.write(ChangeEvent.update(new Object[] {"eu", 2, new BigDecimal("3.50")}, 20));
    writer.commit("cp-1");
    writer.write(ChangeEvent.update(new Object[] {"eu", 1, new BigDecimal("1.10")}, 20));
    writer.write(ChangeEvent.delete(new Object[] {"us", 1, null}, 20));
    writer.write(ChangeEvent.delete(new Object[] {"us", 2, null}, 20));
    writer.commit("cp-2");

    assertThat(contents("accounts", "region", "id")).isEqualTo(Map.of(
        List.of("eu", 1), List.of(new BigDecimal("1.10")),
        List.of("eu", 2), List.of(new BigDecimal("3.50"))));
  }

  /** Each key type: changes within a commit, across commits and from a second writer match exact key values. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("keysOfEachType")
  void keysOfEachTypeMatchExactly(DataType type, List<Object> keys) {
    StreamSpec spec = stream("keyed", List.of(column("k", type), column("v", DataType.STRING)), List.of("k"), List.of());
    StreamWriter writer = warehouse.open(spec, WriteMode.UPSERT, "load");
    for (Object key : keys.subList(0, 3)) {
      writer.write(ChangeEvent.insert(new Object[] {key, "1"}, 20));
    }
    writer.commit("cp-1");
    Object[][] changes = {
        {keys.get(0), "2"}, {keys.get(0), "3"}, {keys.get(1), null}, {keys.get(3), "1"}, {keys.get(3), "2"},
        {keys.get(2), null}, {keys.get(2), "again"}};
    for (Object[] change : changes) {
      writer.write(change[1] == null ? ChangeEvent.delete(change.clone(), 20) : ChangeEvent.update(change.clone(), 20));
    }
    writer.commit("cp-2");
    assertThat(contents("keyed", "k")).isEqualTo(Map.of(
        List.of(comparable(keys.get(0))), List.of("3"),
        List.of(comparable(keys.get(2))), List.of("again"),
        List.of(comparable(keys.get(3))), List.of("2")));

    StreamWriter another = warehouse.open(spec, WriteMode.UPSERT, "load-2");
    another.write(ChangeEvent.delete(new Object[] {keys.get(0), null}, 20));
    another.write(ChangeEvent.update(new Object[] {keys.get(3), "3"}, 20));
    another.commit("cp-3");
    assertThat(contents("keyed", "k")).isEqualTo(Map.of(
        List.of(comparable(keys.get(2))), List.of("again"),
        List.of(comparable(keys.get(3))), List.of("3")));
  }

  static Stream<Arguments> keysOfEachType() {
    return Stream.of(
        Arguments.of(DataType.STRING, List.<Object>of("\uFFFD", "😀 東京駅", "", "Zürich")),
        Arguments.of(DataType.UUID, List.<Object>of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
            UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), new UUID(0, 0), new UUID(-1, 1))),
        Arguments.of(DataType.BINARY, List.<Object>of(new byte[] {0}, new byte[] {0, 1}, new byte[] {(byte) 0xff},
            new byte[0])),
        Arguments.of(DataType.decimal(12, 2), List.<Object>of(new BigDecimal("1.00"), new BigDecimal("-1.00"),
            new BigDecimal("1234567890.12"), new BigDecimal("0.01"))),
        Arguments.of(DataType.DATE, List.<Object>of(LocalDate.of(2024, 2, 29), LocalDate.of(1969, 12, 31),
            LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31))),
        Arguments.of(DataType.TIMESTAMP_TZ, List.<Object>of(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC),
            OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(1900, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(2038, 1, 19, 3, 14, 8, 0, ZoneOffset.UTC))),
        Arguments.of(DataType.INT, List.<Object>of(Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE)));
  }

  @Test
  void partitionedByTheKeyDeletesStayInTheKeysPartition() {
    StreamSpec spec = people(List.of("identity(id)"));
    StreamWriter writer = warehouse.open(spec, WriteMode.UPSERT, "load");
    Stream.of(insert(1, "a"), insert(2, "b"), insert(3, "c"), update(3, "c2")).forEach(writer::write);
    writer.commit("cp-1");
    Stream.of(update(1, "a2"), delete(2), update(1, "a3")).forEach(writer::write);
    writer.commit("cp-2");

    assertThat(names("people")).isEqualTo(Map.of(1L, "a3", 3L, "c2"));
    Table table = warehouse.table("people");
    assertThat(table.specs()).as("no spec added").hasSize(1);
    List<DeleteFile> equalityDeletes = allDeleteFiles(table).stream()
        .filter(file -> file.content() == FileContent.EQUALITY_DELETES).toList();
    assertThat(equalityDeletes).isNotEmpty().allSatisfy(file -> {
      assertThat(file.specId()).isEqualTo(table.spec().specId());
      assertThat(file.partition().get(0, Long.class)).as("one file per key partition").isNotNull();
    });
    assertThat(equalityDeletes).extracting(file -> file.partition().get(0, Long.class))
        .containsExactlyInAnyOrder(1L, 2L, 3L, 1L, 2L);
  }

  /**
   * With {@code day(updated_at)} and key {@code id}, an update that changes {@code updated_at} moves the row to
   * another partition: the equality delete must reach the old partition, so it is global.
   */
  @Test
  void rowsMoveBetweenPartitionsOfANonKeyColumn() {
    StreamSpec spec = people(List.of("day(updated_at)"));
    StreamWriter writer = warehouse.open(spec, WriteMode.UPSERT, "load");
    Stream.of(insert(1, "a", 1), insert(2, "b", 1), insert(3, "c", 1), update(3, "c", 3)).forEach(writer::write);
    writer.commit("cp-1");
    assertThat(contents("people", "id")).isEqualTo(Map.of(
        List.of(1L), List.of("a", day(1)), List.of(2L), List.of("b", day(1)), List.of(3L), List.of("c", day(3))));

    Stream.of(update(1, "a", 2), update(2, "b2", 1)).forEach(writer::write);
    writer.commit("cp-2");
    assertThat(contents("people", "id")).isEqualTo(Map.of(
        List.of(1L), List.of("a", day(2)), List.of(2L), List.of("b2", day(1)), List.of(3L), List.of("c", day(3))));

    // back to the first partition, and a delete that carries the key only
    StreamWriter resumed = warehouse.open(spec, WriteMode.UPSERT, "load");
    Stream.of(update(1, "a", 1), delete(3)).forEach(resumed::write);
    resumed.commit("cp-3");
    assertThat(contents("people", "id")).isEqualTo(Map.of(
        List.of(1L), List.of("a", day(1)), List.of(2L), List.of("b2", day(1))));

    Table table = warehouse.table("people");
    assertThat(table.spec().fields()).extracting(field -> field.transform().toString()).containsExactly("day");
    assertThat(table.specs()).as("one unpartitioned spec, added once").hasSize(2);
    PartitionSpec unpartitioned = table.specs().values().stream().filter(PartitionSpec::isUnpartitioned)
        .findFirst().orElseThrow();
    assertThat(allDeleteFiles(table).stream().filter(file -> file.content() == FileContent.EQUALITY_DELETES))
        .isNotEmpty().allSatisfy(file -> assertThat(file.specId()).isEqualTo(unpartitioned.specId()));
    assertThat(allDataFiles(table)).allSatisfy(file -> assertThat(file.specId()).isEqualTo(table.spec().specId()));
  }

  /**
   * Partitioned by the key only after rows were written unpartitioned: deletes in the new spec's partitions
   * would miss the old files, so they stay global.
   */
  @Test
  void aNewPartitioningByTheKeyStillReachesRowsOfTheOldLayout() {
    StreamWriter unpartitioned = warehouse.open(people(), WriteMode.UPSERT, "load");
    Stream.of(insert(1, "a"), insert(2, "b"), insert(3, "c")).forEach(unpartitioned::write);
    unpartitioned.commit("cp-1");

    StreamWriter partitioned = warehouse.open(people(List.of("identity(id)")), WriteMode.UPSERT, "load");
    Stream.of(update(1, "a2"), delete(2)).forEach(partitioned::write);
    partitioned.commit("cp-2");

    assertThat(names("people")).isEqualTo(Map.of(1L, "a2", 3L, "c"));
    Table table = warehouse.table("people");
    assertThat(table.spec().isPartitioned()).isTrue();
    Snapshot latest = table.currentSnapshot();
    assertThat(addedDeleteFiles(table, latest)).isNotEmpty()
        .allSatisfy(file -> assertThat(table.specs().get(file.specId()).isUnpartitioned()).isTrue());
  }

  @Test
  void aNewWriterResumesFromTheCommittedCheckpointAndKeepsApplyingByKey() {
    StreamWriter first = warehouse.open(people(), WriteMode.UPSERT, "load");
    assertThat(first.committedCheckpoint()).isEmpty();
    Stream.of(insert(1, "a"), insert(2, "b")).forEach(first::write);
    first.commit("cp-1");
    first.write(update(2, "b2"));
    first.commit("cp-2");
    first.write(update(1, "lost in the crash"));
    // a crash: the writer is dropped without commit, abort or close

    StreamWriter resumed = warehouse.open(people(), WriteMode.UPSERT, "load");
    assertThat(resumed.committedCheckpoint()).contains("cp-2");
    Stream.of(update(1, "a2"), delete(2), insert(3, "c")).forEach(resumed::write);
    resumed.commit("cp-3");

    assertThat(names("people")).isEqualTo(Map.of(1L, "a2", 3L, "c"));
    assertThat(warehouse.open(people(), WriteMode.UPSERT, "load").committedCheckpoint()).contains("cp-3");
  }

  @Test
  void abortLeavesTheTableAndItsFilesAsTheyWere() {
    StreamWriter writer = warehouse.open(people(), WriteMode.UPSERT, "load");
    Stream.of(insert(1, "a"), insert(2, "b")).forEach(writer::write);
    writer.commit("cp-1");
    List<java.nio.file.Path> committed = warehouse.parquetFiles("people");
    long snapshot = warehouse.table("people").currentSnapshot().snapshotId();

    Stream.of(update(1, "aborted"), delete(2), insert(3, "aborted"), update(3, "aborted")).forEach(writer::write);
    writer.abort();

    assertThat(warehouse.parquetFiles("people")).containsExactlyInAnyOrderElementsOf(committed);
    assertThat(warehouse.table("people").currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(names("people")).isEqualTo(Map.of(1L, "a", 2L, "b"));

    // the aborted rows are forgotten: key 1 is replaced by an equality delete, not a position in a deleted file
    writer.write(update(1, "after abort"));
    writer.commit("cp-2");
    assertThat(names("people")).isEqualTo(Map.of(1L, "after abort", 2L, "b"));
  }

  private static StreamSpec people() {
    return people(List.of());
  }

  private static StreamSpec people(List<String> partitioning) {
    return stream("people", PEOPLE_COLUMNS, List.of("id"), partitioning);
  }

  private static ChangeEvent insert(long id, String name) {
    return insert(id, name, 1);
  }

  private static ChangeEvent insert(long id, String name, int day) {
    return ChangeEvent.insert(new Object[] {id, name, day(day)}, 40);
  }

  private static ChangeEvent update(long id, String name) {
    return update(id, name, 1);
  }

  private static ChangeEvent update(long id, String name, int day) {
    return ChangeEvent.update(new Object[] {id, name, day(day)}, 40);
  }

  private static ChangeEvent delete(long id) {
    return ChangeEvent.delete(new Object[] {id, null, null}, 8);
  }

  private static LocalDateTime day(int day) {
    return LocalDateTime.of(2024, 5, day, 12, 30);
  }

  /** id to name of the people table, asserting one row per id. */
  private Map<Long, String> names(String table) {
    Map<Long, String> names = new HashMap<>();
    contents(table, "id").forEach((key, values) -> names.put((Long) key.get(0), (String) values.get(0)));
    return names;
  }

  /** The table's rows: key values to the other values in column order; asserts one row per key. */
  private Map<List<Object>, List<Object>> contents(String table, String... keyColumns) {
    List<String> key = Arrays.asList(keyColumns);
    // the reader's records may carry metadata columns that deletes need (_pos): take the table's columns only
    List<String> columns = warehouse.table(table).schema().columns().stream().map(field -> field.name()).toList();
    Map<List<Object>, List<Object>> contents = new HashMap<>();
    for (Record row : warehouse.rows(table)) {
      List<Object> keyValues = new ArrayList<>();
      List<Object> values = new ArrayList<>();
      columns.forEach(column -> (key.contains(column) ? keyValues : values).add(comparable(row.getField(column))));
      assertThat(contents.put(keyValues, values)).as("a second row for key %s", keyValues).isNull();
    }
    return contents;
  }

  /** Keys whose rows differ, as "key: table values, expected values"; short enough to read in a failure. */
  private static List<String> differences(Map<List<Object>, List<Object>> table, Map<List<Object>, List<Object>> expected) {
    return Stream.concat(table.keySet().stream(), expected.keySet().stream()).distinct()
        .filter(key -> !java.util.Objects.equals(table.get(key), expected.get(key)))
        .map(key -> key + ": table " + table.get(key) + ", expected " + expected.get(key))
        .toList();
  }

  private static Map<List<Object>, List<Object>> keyedByList(Map<Long, List<Object>> model) {
    Map<List<Object>, List<Object>> keyed = new HashMap<>();
    model.forEach((id, values) -> keyed.put(List.of(id), values));
    return keyed;
  }

  /** Binary values as buffers, which compare by content; the reader returns buffers too. */
  private static Object comparable(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
  }

  private static List<DataFile> addedDataFiles(Table table, Snapshot snapshot) {
    List<DataFile> files = new ArrayList<>();
    SnapshotChanges.builderFor(table).snapshot(snapshot).build().addedDataFiles().forEach(files::add);
    return files;
  }

  private static List<DeleteFile> addedDeleteFiles(Table table, Snapshot snapshot) {
    List<DeleteFile> files = new ArrayList<>();
    SnapshotChanges.builderFor(table).snapshot(snapshot).build().addedDeleteFiles().forEach(files::add);
    return files;
  }

  private static List<DataFile> allDataFiles(Table table) {
    List<DataFile> files = new ArrayList<>();
    table.snapshots().forEach(snapshot -> files.addAll(addedDataFiles(table, snapshot)));
    return files;
  }

  private static List<DeleteFile> allDeleteFiles(Table table) {
    List<DeleteFile> files = new ArrayList<>();
    table.snapshots().forEach(snapshot -> files.addAll(addedDeleteFiles(table, snapshot)));
    return files;
  }
}
