package io.sluice.destination.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ConfigException;
import java.util.List;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class TestPartitionSpecParser {
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "Order Id", Types.LongType.get()),
      Types.NestedField.optional(2, "café.price", Types.DecimalType.of(10, 2)),
      Types.NestedField.optional(3, "created_at", Types.TimestampType.withZone()),
      Types.NestedField.optional(4, "day(x)", Types.StringType.get()),
      Types.NestedField.optional(5, "a,b", Types.StringType.get()),
      Types.NestedField.optional(6, "region", Types.StringType.get()));

  @Test
  void parsesEveryFormExactlyAndLoosely() {
    PartitionSpec spec = PartitionSpecParser.parse(List.of(
        "region", " identity( café.price ) ", "YEAR(created_at)", "bucket(16, Order Id)", "truncate( 3 ,region)"),
        SCHEMA, "s.t");
    assertThat(spec.fields()).extracting(PartitionSpecParserTestRow::of).containsExactly(
        "6 identity", "2 identity", "3 year", "1 bucket[16]", "6 truncate[3]");

    // Iceberg allows one time transform per column, so these each get a spec of their own
    assertThat(PartitionSpecParser.parse(List.of("month(created_at)"), SCHEMA, "s.t").fields())
        .extracting(PartitionSpecParserTestRow::of).containsExactly("3 month");
    assertThat(PartitionSpecParser.parse(List.of("day\t(created_at)\n"), SCHEMA, "s.t").fields())
        .extracting(PartitionSpecParserTestRow::of).containsExactly("3 day");
    assertThat(PartitionSpecParser.parse(List.of("hour(created_at)"), SCHEMA, "s.t").fields())
        .extracting(PartitionSpecParserTestRow::of).containsExactly("3 hour");
  }

  @Test
  void aColumnThatLooksLikeACallOrHoldsACommaStillWorks() {
    assertThat(PartitionSpecParser.parse(List.of("day(x)"), SCHEMA, "s.t").fields())
        .extracting(PartitionSpecParserTestRow::of).containsExactly("4 identity");
    assertThat(PartitionSpecParser.parse(List.of("bucket(4, \"a,b\")"), SCHEMA, "s.t").fields())
        .extracting(PartitionSpecParserTestRow::of).containsExactly("5 bucket[4]");
  }

  @Test
  void errorsNameTheStringTheTableAndTheExpectedForms() {
    assertInvalid("week(created_at)", "unknown transform 'week'");
    assertInvalid("day(createdAt)", "there is no column 'createdAt'");
    assertInvalid("order id", "there is no column 'order id'");
    assertInvalid("bucket(Order Id)", "bucket needs a width and a column");
    assertInvalid("bucket(0, Order Id)", "'0' is not a positive whole number");
    assertInvalid("truncate(x, region)", "'x' is not a positive whole number");
    assertInvalid("day(region)", "Invalid source type string for transform: day");
    assertInvalid("hour(", "there is no column 'hour('");
  }

  @Test
  void aRepeatedTransformIsRejected() {
    assertThatThrownBy(() -> PartitionSpecParser.parse(List.of("day(created_at)", "day( created_at )"), SCHEMA, "s.t"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot partition s.t by 'day( created_at )': ");
  }

  private static void assertInvalid(String text, String reason) {
    assertThatThrownBy(() -> PartitionSpecParser.parse(List.of(text), SCHEMA, "sales.orders"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("partitioning"))
        .hasMessageStartingWith("Cannot partition sales.orders by '" + text + "': ")
        .hasMessageContaining(reason)
        .hasMessageEndingWith("; " + PartitionSpecParser.EXPECTED_FORMS);
  }

  /** "sourceId transform" of a partition field, for compact assertions. */
  private static final class PartitionSpecParserTestRow {
    static String of(PartitionField field) {
      return field.sourceId() + " " + field.transform();
    }
  }
}
