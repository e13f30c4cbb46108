package dev.vigil.yara.modules;

/**
 * A YARA module ({@code import "pe"}): a declared structure of fields and functions, filled per scan from the data.
 * Implementations are stateless and thread-safe; {@link #load} is called at most once per scanned file, and only
 * when a rule imports the module.
 */
public interface YaraModule {

    /** The name used in {@code import}. */
    String name();

    /** Every member a rule may name, with its type. */
    Type.Struct schema();

    /**
     * Parses the data and returns the module's values. Malformed or hostile data leaves fields undefined; it never
     * throws except for {@link java.io.IOException} from the input.
     */
    StructValue load(ModuleContext context) throws java.io.IOException;
}
