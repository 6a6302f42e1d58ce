package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestIcebergChangeMetadata {
  private static final Instant SOURCE_TS = Instant.parse("2026-05-01T10:00:00.123456Z");

  private static StreamSpec stream(SyncMode mode, Column... columns) {
    return new StreamSpec(StreamId.of("public", "t"), StreamId.of("sales", "t"), mode, List.of(columns),
        List.of("id"), List.of(), Optional.empty());
  }

  private static final StreamSpec CDC = stream(SyncMode.CDC, column("id", DataType.LONG), column("v", DataType.STRING));

  @ParameterizedTest
  @EnumSource(value = SyncMode.class, names = {"FULL_REFRESH", "INCREMENTAL"})
  void onlyChangeLogStreamsGetMetadata(SyncMode mode) {
    StreamSpec plain = stream(mode, column("id", DataType.LONG), column("_sluice_op", DataType.STRING));
    assertThat(IcebergChangeMetadata.tableStream(plain, true)).isSameAs(plain);
    assertThat(IcebergChangeMetadata.of(plain, true)).isNull();
  }

  @Test
  void metadataColumnsFollowTheStreamsOwnInAFixedOrder() {
    assertThat(IcebergChangeMetadata.tableStream(CDC, false).columns()).extracting(Column::name)
        .containsExactly("id", "v", "_sluice_op", "_sluice_source_ts", "_sluice_synced_at");
    assertThat(IcebergChangeMetadata.tableStream(stream(SyncMode.CDC_ONLY, CDC.columns().toArray(Column[]::new)), true)
        .columns()).extracting(column -> column.name() + " " + column.type() + " " + column.nullable())
        .containsExactly("id long true", "v string true", "_sluice_op string true",
            "_sluice_source_ts timestamp_tz true", "_sluice_synced_at timestamp_tz true",
            "_sluice_deleted boolean true");
  }

  @Test
  void aStreamColumnWithTheMetadataPrefixIsAConfigError() {
    StreamSpec clash = stream(SyncMode.CDC, column("id", DataType.LONG), column("_Sluice_Note", DataType.STRING));
    assertThatThrownBy(() -> IcebergChangeMetadata.tableStream(clash, false))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
        .hasMessage("Cannot write stream public.t with change metadata: its column '_Sluice_Note' starts with "
            + "_sluice_, which Sluice's own columns use; drop it from the stream's columns or rename it in the source");
  }

  @Test
  void eachOperationIsRecordedWithItsSourceTimeAndSoftDeletesAreFlagged() {
    Clock clock = Clock.fixed(Instant.parse("2026-05-02T00:00:00.987654Z"), ZoneId.of("UTC"));
    IcebergChangeMetadata metadata = IcebergChangeMetadata.of(CDC, true, clock);
    OffsetDateTime syncedAt = OffsetDateTime.parse("2026-05-02T00:00:00.987Z");
    OffsetDateTime sourceTs = OffsetDateTime.ofInstant(SOURCE_TS, ZoneOffset.UTC);

    assertThat(metadata.extend(ChangeEvent.read(new Object[] {1L, "a"}, 8)))
        .containsExactly(1L, "a", "read", null, syncedAt, false);
    assertThat(metadata.extend(ChangeEvent.insert(new Object[] {1L, "a"}, 8, SOURCE_TS)))
        .containsExactly(1L, "a", "insert", sourceTs, syncedAt, false);
    assertThat(metadata.extend(ChangeEvent.update(new Object[] {1L, "b"}, 8, SOURCE_TS)))
        .containsExactly(1L, "b", "update", sourceTs, syncedAt, false);
    assertThat(metadata.extend(ChangeEvent.delete(new Object[] {1L, null}, 8, SOURCE_TS)))
        .containsExactly(1L, null, "delete", sourceTs, syncedAt, true);
    assertThat(IcebergChangeMetadata.of(CDC, false, clock).extend(ChangeEvent.delete(new Object[] {1L, null}, 8)))
        .containsExactly(1L, null, "delete", null, syncedAt);
  }

  @Test
  void syncedAtIsBuiltOncePerMillisecond() {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-02T00:00:00.001Z"));
    IcebergChangeMetadata metadata = IcebergChangeMetadata.of(CDC, false, clock);
    Object first = metadata.extend(ChangeEvent.read(new Object[] {1L, "a"}, 8))[4];
    Object sameMillisecond = metadata.extend(ChangeEvent.read(new Object[] {2L, "b"}, 8))[4];
    clock.now = Instant.parse("2026-05-02T00:00:00.002Z");
    Object next = metadata.extend(ChangeEvent.read(new Object[] {3L, "c"}, 8))[4];

    assertThat(sameMillisecond).isSameAs(first);
    assertThat(first).isEqualTo(OffsetDateTime.parse("2026-05-02T00:00:00.001Z"));
    assertThat(next).isEqualTo(OffsetDateTime.parse("2026-05-02T00:00:00.002Z"));
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
