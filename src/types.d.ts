declare module "*.sql" { const text: string; export default text; }
declare module "htmx.org/dist/htmx.min.js" { const text: string; export default text; }
declare module "htmx-ext-sse/dist/sse.js" { const text: string; export default text; }
