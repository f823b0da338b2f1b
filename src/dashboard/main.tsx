import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { tokenFromLink } from './session';
import './styles.css';

tokenFromLink();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
