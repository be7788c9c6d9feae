/** "?" and Help → Keyboard Shortcuts: every shortcut, from the one list in shortcuts.ts. */
import { Fragment } from 'preact';
import { keyLabel, SHORTCUT_GROUPS } from '../shortcuts';
import { Modal } from './Modal';

export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  return (
    <Modal
      title="Keyboard shortcuts"
      onClose={onClose}
      testId="shortcuts-help"
      footer={
        <button type="button" class="button button-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      {/* Its own scrolling, reachable by keyboard: the list is longer than a small window. */}
      <div class="shortcuts-scroll" tabIndex={0} role="group" aria-label="All shortcuts">
        {SHORTCUT_GROUPS.map((group) => (
          <section class="shortcut-group" key={group.title}>
            <h3>{group.title}</h3>
            <table class="shortcut-table">
              <tbody>
                {group.shortcuts.map((shortcut) => (
                  <tr key={shortcut.action}>
                    <th scope="row">
                      {shortcut.keys.map((key, index) => (
                        <Fragment key={key}>
                          {index > 0 ? <span class="sr-only"> or </span> : null}
                          <kbd>{keyLabel(key)}</kbd>
                        </Fragment>
                      ))}
                    </th>
                    <td>{shortcut.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Modal>
  );
}
