package io.sluice.destination.iceberg;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TypeWithSchemaVisitor;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Encodes Iceberg {@link Record}s into Parquet columns: the same files and values as Iceberg's generic writer,
 * with cheaper conversions where a full load spends its time. Iceberg's generic writer turns every timestamp
 * and date into micros or days with {@code ChronoUnit.between} (a calendar walk per value), every decimal into a
 * {@code BigInteger} to take its unscaled value, and every string into a byte buffer wrapped twice; here those are
 * plain arithmetic, a compact-long read and one byte array. Everything else is Iceberg's own writer.
 *
 * <p>Handles what {@link IcebergTypeMapping} creates: primitives, and lists of them. Anything else (a table
 * evolved by another engine) is refused when the file is opened, naming the column.
 */
final class RecordParquetWriters {
  private RecordParquetWriters() {}

  /** The writer of one data file of {@code schema}, as a {@code createWriterFunc} for Iceberg's Parquet builder. */
  @SuppressWarnings("unchecked")
  static ParquetValueWriter<Record> create(org.apache.iceberg.Schema schema, MessageType type) {
    return (ParquetValueWriter<Record>) TypeWithSchemaVisitor.visit(schema.asStruct(), type, new Builder(type));
  }

  private static final class Builder extends TypeWithSchemaVisitor<ParquetValueWriter<?>> {
    private final MessageType message;

    Builder(MessageType message) {
      this.message = message;
    }

    @Override
    public ParquetValueWriter<?> message(Types.StructType struct, MessageType type,
        List<ParquetValueWriter<?>> fields) {
      return struct(struct, type.asGroupType(), fields);
    }

    @Override
    public ParquetValueWriter<?> struct(Types.StructType struct, GroupType group, List<ParquetValueWriter<?>> fields) {
      List<ParquetValueWriter<?>> writers = new ArrayList<>(fields.size());
      for (int i = 0; i < fields.size(); i++) {
        Type field = group.getType(i);
        writers.add(ParquetValueWriters.option(field, message.getMaxDefinitionLevel(path(field.getName())),
            fields.get(i)));
      }
      return ParquetValueWriters.recordWriter(struct, writers);
    }

    @Override
    public ParquetValueWriter<?> list(Types.ListType list, GroupType array, ParquetValueWriter<?> element) {
      String[] repeated = currentPath();
      Type elementType = array.getFields().get(0).asGroupType().getType(0);
      return ParquetValueWriters.collections(message.getMaxDefinitionLevel(repeated),
          message.getMaxRepetitionLevel(repeated), ParquetValueWriters.option(elementType,
              message.getMaxDefinitionLevel(path(elementType.getName())), element));
    }

    @Override
    public ParquetValueWriter<?> map(Types.MapType map, GroupType group, ParquetValueWriter<?> key,
        ParquetValueWriter<?> value) {
      throw unsupported(group);
    }

    @Override
    public ParquetValueWriter<?> variant(Types.VariantType variant, GroupType group, ParquetValueWriter<?> value) {
      throw unsupported(group);
    }

    @Override
    public ParquetValueWriter<?> primitive(org.apache.iceberg.types.Type.PrimitiveType iceberg,
        PrimitiveType primitive) {
      ColumnDescriptor column = message.getColumnDescription(currentPath());
      LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
      PrimitiveType.PrimitiveTypeName physical = primitive.getPrimitiveTypeName();
      if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
        return new StringWriter(column);
      }
      if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
        return switch (physical) {
          case INT32, INT64 -> new CompactDecimalWriter(column, decimal.getPrecision(), decimal.getScale());
          default -> ParquetValueWriters.decimalAsFixed(column, decimal.getPrecision(), decimal.getScale());
        };
      }
      if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
        return new DateWriter(column);
      }
      if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time
          && time.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS) {
        return new TimeWriter(column);
      }
      if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp
          && timestamp.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS) {
        return timestamp.isAdjustedToUTC() ? new TimestampTzWriter(column) : new TimestampWriter(column);
      }
      if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
        return ParquetValueWriters.uuids(column);
      }
      if (logical != null && !(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation)) {
        throw unsupported(primitive);
      }
      return switch (physical) {
        case BOOLEAN -> ParquetValueWriters.booleans(column);
        case INT32 -> ParquetValueWriters.ints(column);
        case INT64 -> ParquetValueWriters.longs(column);
        case FLOAT -> ParquetValueWriters.floats(column);
        case DOUBLE -> ParquetValueWriters.doubles(column);
        case BINARY -> ParquetValueWriters.byteBuffers(column);
        default -> throw unsupported(primitive);
      };
    }

    private UnsupportedOperationException unsupported(Type type) {
      return new UnsupportedOperationException("Cannot write column " + String.join(".", currentPath())
          + " of Parquet type " + type + ": Sluice writes primitives and lists of them");
    }
  }

  /** A string as one UTF-8 array, handed to Parquet as constant (it is never reused, so never copied again). */
  private static final class StringWriter extends ParquetValueWriters.PrimitiveWriter<CharSequence> {
    StringWriter(ColumnDescriptor column) {
      super(column);
    }

    @Override
    public void write(int repetitionLevel, CharSequence value) {
      column.writeBinary(repetitionLevel,
          Binary.fromConstantByteArray(value.toString().getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * A decimal of precision up to 18 as its unscaled int or long. {@code scaleByPowerOfTen} of a compact decimal
   * stays compact, so the unscaled value is read without the {@code BigInteger} that {@code unscaledValue()} builds.
   */
  private static final class CompactDecimalWriter extends ParquetValueWriters.PrimitiveWriter<BigDecimal> {
    private final int precision;
    private final int scale;
    private final long limit; // 10^precision: every unscaled value is strictly inside (-limit, limit)
    private final boolean asInt;

    CompactDecimalWriter(ColumnDescriptor column, int precision, int scale) {
      super(column);
      this.precision = precision;
      this.scale = scale;
      this.limit = BigDecimal.TEN.pow(precision).longValueExact();
      this.asInt = column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32;
    }

    @Override
    public void write(int repetitionLevel, BigDecimal value) {
      if (value.scale() != scale) {
        throw new IllegalArgumentException("Cannot write " + value + " as decimal(" + precision + "," + scale
            + "): wrong scale");
      }
      long unscaled = value.scaleByPowerOfTen(scale).longValueExact();
      if (unscaled <= -limit || unscaled >= limit) {
        throw new IllegalArgumentException("Cannot write " + value + " as decimal(" + precision + "," + scale
            + "): too many digits");
      }
      if (asInt) {
        column.writeInteger(repetitionLevel, (int) unscaled);
      } else {
        column.writeLong(repetitionLevel, unscaled);
      }
    }
  }

  private static final class DateWriter extends ParquetValueWriters.PrimitiveWriter<LocalDate> {
    DateWriter(ColumnDescriptor column) {
      super(column);
    }

    @Override
    public void write(int repetitionLevel, LocalDate value) {
      column.writeInteger(repetitionLevel, Math.toIntExact(value.toEpochDay()));
    }
  }

  private static final class TimeWriter extends ParquetValueWriters.PrimitiveWriter<LocalTime> {
    TimeWriter(ColumnDescriptor column) {
      super(column);
    }

    @Override
    public void write(int repetitionLevel, LocalTime value) {
      column.writeLong(repetitionLevel, value.toNanoOfDay() / 1_000);
    }
  }

  /** Microseconds since 1970-01-01T00:00 of a zone-less timestamp (floored, as Iceberg's writer does). */
  private static final class TimestampWriter extends ParquetValueWriters.PrimitiveWriter<LocalDateTime> {
    TimestampWriter(ColumnDescriptor column) {
      super(column);
    }

    @Override
    public void write(int repetitionLevel, LocalDateTime value) {
      column.writeLong(repetitionLevel, micros(value.toEpochSecond(ZoneOffset.UTC), value.getNano()));
    }
  }

  /** Microseconds since the epoch of an instant. */
  private static final class TimestampTzWriter extends ParquetValueWriters.PrimitiveWriter<OffsetDateTime> {
    TimestampTzWriter(ColumnDescriptor column) {
      super(column);
    }

    @Override
    public void write(int repetitionLevel, OffsetDateTime value) {
      column.writeLong(repetitionLevel, micros(value.toEpochSecond(), value.getNano()));
    }
  }

  /** Exact for every representable instant: overflow throws instead of wrapping. */
  static long micros(long epochSecond, int nanoOfSecond) {
    return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nanoOfSecond / 1_000);
  }
}
