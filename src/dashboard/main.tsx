import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { overviewFeed } from './overview-feed';
import { storedToken, tokenFromLink } from './session';
import './styles.css';

tokenFromLink();
// Ask for the overview before React starts: every page waits for it.
const token = storedToken();
if (token) overviewFeed(token);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
