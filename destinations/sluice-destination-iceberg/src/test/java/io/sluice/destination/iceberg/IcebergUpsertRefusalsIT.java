package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What cannot be upserted is refused with the reason, before anything is written. */
class IcebergUpsertRefusalsIT {
  private static final TableIdentifier EVENTS = TableIdentifier.of(Namespace.of("sales"), "events");

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  @Test
  void aStreamWithoutPrimaryKeyIsAConfigErrorAndCreatesNoTable() {
    StreamSpec keyless = stream("events", List.of(column("id", DataType.INT)), List.of(), List.of());
    assertThatThrownBy(() -> warehouse.open(keyless, WriteMode.UPSERT, "load"))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
        .hasMessage("Cannot upsert into sales.events: the stream has no primary key; set primary_key for stream "
            + "public.events in the streams file, or sync it in a mode that appends");
    assertThat(warehouse.readCatalog().tableExists(EVENTS)).isFalse();
  }

  @Test
  void aFloatingPointKeyIsAConfigError() {
    StreamSpec spec = stream("events", List.of(column("id", DataType.INT), column("score", DataType.DOUBLE)),
        List.of("id", "score"), List.of());
    assertThatThrownBy(() -> warehouse.open(spec, WriteMode.UPSERT, "load"))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
        .hasMessageStartingWith("Cannot upsert into sales.events: key column 'score' has type double");
    assertThat(warehouse.readCatalog().tableExists(EVENTS)).isFalse();
  }

  @Test
  void aFormatVersion1TableIsAConfigError() {
    Schema schema = new Schema(List.of(Types.NestedField.required(1, "id", Types.IntegerType.get())), java.util.Set.of(1));
    warehouse.readCatalog().createNamespace(Namespace.of("sales"));
    warehouse.readCatalog().buildTable(EVENTS, schema)
        .withProperties(Map.of(TableProperties.FORMAT_VERSION, "1")).create();

    StreamSpec spec = stream("events", List.of(column("id", DataType.INT)), List.of("id"), List.of());
    assertThatThrownBy(() -> warehouse.open(spec, WriteMode.UPSERT, "load"))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
        .hasMessageStartingWith("Cannot upsert into sales.events: the table has format version 1, which has no "
            + "row-level deletes");
  }

  @Test
  void aNullKeyNamesTheColumn() {
    StreamSpec spec = stream("events", List.of(column("id", DataType.INT), column("note", DataType.STRING)),
        List.of("id"), List.of());
    StreamWriter writer = warehouse.open(spec, WriteMode.UPSERT, "load");
    assertThatThrownBy(() -> writer.write(ChangeEvent.delete(new Object[] {null, null}, 4)))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
        .hasMessage("Cannot write a row to sales.events: key column 'id' is null");
  }

  @Test
  void aNullKeyInAnOptionalColumnOfAnOlderTableNamesTheColumnToo() {
    // appended without a key, the table's id column is optional and stays so
    StreamSpec keyless = stream("events", List.of(column("id", DataType.INT), column("note", DataType.STRING)),
        List.of(), List.of());
    warehouse.open(keyless, WriteMode.APPEND, "load").close();
    StreamSpec keyed = stream("events", keyless.columns(), List.of("id"), List.of());
    StreamWriter writer = warehouse.open(keyed, WriteMode.UPSERT, "load");
    assertThat(warehouse.table("events").schema().findField("id").isOptional()).isTrue();

    assertThatThrownBy(() -> writer.write(ChangeEvent.update(new Object[] {null, "x"}, 4)))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
        .hasMessage("Cannot apply UPDATE to sales.events: key column 'id' is null");
    writer.write(ChangeEvent.insert(new Object[] {1, "kept"}, 4));
    writer.commit("cp");
    assertThat(warehouse.rows("events")).extracting(row -> row.getField("note")).containsExactly("kept");
  }
}
