package io.sagaline.orchestrator.saga;

/**
 * Steps a saga starts together, declared one after another: {@code size} steps from index {@code
 * first}. A step no group names is a group of its own, of size 1.
 *
 * @param first the index of the group's first step
 * @param size how many steps it has, from 1
 */
public record StepGroup(int first, int size) {

    public StepGroup {
        if (first < 0 || size < 1) {
            throw new IllegalArgumentException("a group starts at a step index and has a step: " + first + ", " + size);
        }
    }

    /** The index of the group's last step. */
    public int last() {
        return first + size - 1;
    }

    /** Whether the group runs more than one step at once. */
    public boolean isParallel() {
        return size > 1;
    }

    public boolean contains(int step) {
        return step >= first && step <= last();
    }
}
