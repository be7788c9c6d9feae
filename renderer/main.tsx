import { render } from 'preact';
import { App } from './components/App';
import './styles/app.css';
// After app.css: its rules for short windows and the newer parts build on the base rules.
import './styles/daily.css';
import './styles/due-dates.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
render(<App />, root);
