package io.sluice.destination.iceberg;

import io.sluice.destination.iceberg.IcebergValueConverters.ValueConverter;
import io.sluice.spi.Column;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Turns a row ({@code Object[]} in stream column order) into an Iceberg {@link Record} of the table schema.
 * Positions and converters are resolved once; table columns the stream does not carry stay null.
 *
 * <p>One record instance is reused for every row: Iceberg's file writers encode a row before {@code write}
 * returns and copy partition keys they keep, so nothing holds on to it. Not thread-safe (one per writer).
 */
final class IcebergRecordMapper {
  private final String tableName;
  private final String[] columnNames;
  private final int[] positions;
  private final ValueConverter[] converters;
  /** {@code converters[i]} is the identity, so the value goes in as it is (most columns: no call at all). */
  private final boolean[] unconverted;
  private final boolean[] required;
  private final GenericRecord record;

  /**
   * @throws SluiceException (CONFIG) when a column is missing from the table or its type cannot be written;
   *     {@link IcebergTableProvisioner} evolves the table first, so this is a safety net
   */
  IcebergRecordMapper(String tableName, Schema schema, List<Column> columns) {
    this.tableName = tableName;
    int count = columns.size();
    this.columnNames = new String[count];
    this.positions = new int[count];
    this.converters = new ValueConverter[count];
    this.unconverted = new boolean[count];
    this.required = new boolean[count];
    List<Types.NestedField> fields = schema.columns();
    for (int i = 0; i < count; i++) {
      Column column = columns.get(i);
      Types.NestedField field = schema.asStruct().field(column.name());
      if (field == null) {
        throw new SluiceException(ErrorKind.CONFIG, "Cannot write column '" + column.name() + "' to table "
            + tableName + ": the table has no such column");
      }
      columnNames[i] = column.name();
      positions[i] = fields.indexOf(field);
      required[i] = field.isRequired();
      converters[i] = IcebergValueConverters.converter(column.type(), field.type())
          .orElseThrow(() -> new SluiceException(ErrorKind.CONFIG, "Cannot write column '" + column.name()
              + "' of type " + column.type() + " to table " + tableName + ": the column has type "
              + field.type()));
      unconverted[i] = converters[i] == IcebergValueConverters.IDENTITY;
    }
    for (Types.NestedField field : fields) {
      if (field.isRequired() && columns.stream().noneMatch(column -> column.name().equals(field.name()))) {
        throw new SluiceException(ErrorKind.CONFIG, "Cannot write to table " + tableName + ": its required column '"
            + field.name() + "' is not among the stream's selected columns; select it or recreate the table");
      }
    }
    this.record = GenericRecord.create(schema);
  }

  /**
   * Fills the shared record with {@code values}; valid until the next call.
   *
   * @throws SluiceException (INTERNAL) when a required (key) column is null or a value does not fit its column
   */
  Record map(Object[] values) {
    if (values.length != positions.length) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot write a row of " + values.length + " values to "
          + tableName + ": the stream has " + positions.length + " columns");
    }
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value == null) {
        if (required[i]) {
          throw new SluiceException(ErrorKind.INTERNAL, "Cannot write a row to " + tableName
              + ": key column '" + columnNames[i] + "' is null");
        }
        record.set(positions[i], null);
      } else {
        record.set(positions[i], unconverted[i] ? value : convert(i, value));
      }
    }
    return record;
  }

  private Object convert(int column, Object value) {
    try {
      return converters[column].convert(value);
    } catch (ClassCastException | ArithmeticException e) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot write value " + value + " ("
          + value.getClass().getSimpleName() + ") to column '" + columnNames[column] + "' of " + tableName
          + ": " + e.getMessage(), e);
    }
  }
}
