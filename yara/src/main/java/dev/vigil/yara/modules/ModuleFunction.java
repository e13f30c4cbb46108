package dev.vigil.yara.modules;

/** A module function bound to one scan's data. */
@FunctionalInterface
public interface ModuleFunction {

    /**
     * Calls overload {@code overload} (its index in the declared {@link Type.Function}) with arguments of the
     * declared runtime classes (none is null: an undefined argument makes the call undefined before it is made).
     *
     * @return the result, or null for undefined
     */
    Object call(int overload, Object[] arguments);
}
