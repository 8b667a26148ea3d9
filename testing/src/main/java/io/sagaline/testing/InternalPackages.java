package io.sagaline.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.jspecify.annotations.Nullable;

/**
 * The project's one boundary rule, checked rather than only written: a package named {@code
 * internal} belongs to the package that holds it. {@code io.sagaline.payment.internal} may be used
 * by {@code io.sagaline.payment} and its subpackages, and by nothing else, in this module or in any
 * other. Other libraries' internal packages are their own concern.
 */
public final class InternalPackages {

    private static final String PROJECT = "io.sagaline.";
    private static final String INTERNAL = ".internal";

    private InternalPackages() {}

    /**
     * Checks every production class under {@code rootPackage} (this module's code, test classes
     * left out) and fails, naming each offending use, if one reaches into an {@code internal}
     * package that does not belong to it.
     */
    public static void assertKeptInside(String rootPackage) {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
        assertKeptInside(production, rootPackage);
    }

    static void assertKeptInside(JavaClasses classes, String description) {
        classes()
                .should(useOnlyTheirOwnInternals())
                .as("classes under " + description + " use only the internal packages of packages that hold them")
                .check(classes);
    }

    private static ArchCondition<JavaClass> useOnlyTheirOwnInternals() {
        return new ArchCondition<>("use only their own internal packages") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    String owner = ownerOfInternal(dependency.getTargetClass().getPackageName());
                    if (owner != null && !within(origin.getPackageName(), owner)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    /** {@code io.sagaline.a} for a package {@code io.sagaline.a.internal} or below it; else null. */
    static @Nullable String ownerOfInternal(String packageName) {
        int at = (packageName + ".").indexOf(INTERNAL + ".");
        return at < 0 || !packageName.startsWith(PROJECT) ? null : packageName.substring(0, at);
    }

    private static boolean within(String packageName, String owner) {
        return packageName.equals(owner) || packageName.startsWith(owner + ".");
    }
}
