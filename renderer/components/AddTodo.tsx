/** The field that adds a todo; Enter adds, empty text is refused with a message. */
import { useId, useRef, useState } from 'preact/hooks';
import { describeError } from '../api';
import { PlusIcon } from './Icons';

export function AddTodo({ onAdd }: { onAdd(text: string): Promise<void> }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const problemId = useId();

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) {
      setProblem('Type what needs doing first.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await onAdd(trimmed);
      setText('');
      setProblem(null);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  return (
    <form class="add-form" onSubmit={submit} noValidate>
      <div class={problem ? 'add-field has-problem' : 'add-field'}>
        <PlusIcon />
        <input
          ref={input}
          class="add-input"
          placeholder="Add a todo"
          aria-label="New todo"
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? problemId : undefined}
          value={text}
          maxLength={10_000}
          onInput={(event) => {
            setText(event.currentTarget.value);
            if (problem) setProblem(null);
          }}
          autoFocus
        />
        <button type="submit" class="button button-primary add-button" disabled={busy}>
          Add
        </button>
      </div>
      {problem ? (
        <p id={problemId} class="field-problem" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
