import { reactive, ref, type UnwrapRef } from "vue";
import { ApiError } from "../api/errors.js";

/**
 * A form's state: its values, the API's problems shown beside each field, a message for everything else,
 * and whether it is being sent. `fieldNames` are the fields the form shows; problems with other paths
 * (e.g. `quota.cpu` on an app form) go into the general message, so nothing the API says is lost.
 */
export function useForm<T extends object>(initial: T, submit: (values: UnwrapRef<T>) => Promise<void>, fieldNames?: string[]) {
  const values = reactive(structuredClone(initial));
  const fieldErrors = ref<Record<string, string>>({});
  const error = ref<string | null>(null);
  const submitting = ref(false);

  async function onSubmit(): Promise<boolean> {
    if (submitting.value) return false;
    submitting.value = true;
    error.value = null;
    fieldErrors.value = {};
    try {
      await submit(values as UnwrapRef<T>);
      return true;
    } catch (caught) {
      if (caught instanceof ApiError) {
        const fields = caught.fields;
        const shown = fieldNames
          ? Object.fromEntries(Object.entries(fields).filter(([path]) => fieldNames.some((name) => path === name || path.startsWith(`${name}.`) || path.startsWith(`${name}[`))))
          : fields;
        fieldErrors.value = shown;
        const elsewhere = Object.entries(fields).filter(([path]) => !(path in shown));
        error.value =
          Object.keys(shown).length > 0 && elsewhere.length === 0
            ? "Please correct the fields marked below."
            : elsewhere.length > 0
              ? elsewhere.map(([path, message]) => `${path}: ${message}`).join(" ")
              : caught.message;
      } else {
        error.value = "Something went wrong. Please try again.";
      }
      return false;
    } finally {
      submitting.value = false;
    }
  }

  /** The problem of a field, or of anything under it (`resources.cpu` shows at `resources`). */
  function problem(name: string): string | undefined {
    return fieldErrors.value[name] ?? Object.entries(fieldErrors.value).find(([path]) => path.startsWith(`${name}.`) || path.startsWith(`${name}[`))?.[1];
  }

  return { values, fieldErrors, error, submitting, onSubmit, problem };
}
