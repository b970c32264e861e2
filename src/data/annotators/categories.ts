/**
 * Task categories: study B's ten (preset `seed-b-10`) with their algorithmic/practical grouping,
 * descriptions for the embedding classifier and keyword lists for the keyword classifier.
 * The descriptions and keywords are ours (study B embeds the category topics; its exact
 * descriptions are not published) — change them through an explicit category list in the spec.
 */
import type { TaskCategory, TaskTypeAnnotatorConfig } from './types.js';

export const SEED_B_10: readonly TaskCategory[] = [
  {
    name: 'Database & SQL',
    group: 'practical',
    description: 'Database and SQL: writing queries, joins, schemas, tables, indexes, transactions, ORMs and stored procedures.',
    keywords: ['sql', 'database', 'query', 'queries', 'table', 'tables', 'select', 'join', 'schema', 'mysql', 'postgresql', 'postgres', 'sqlite', 'mongodb', 'nosql', 'index', 'orm', 'stored procedure', 'transaction', 'records', 'column', 'columns', 'row', 'rows'],
  },
  {
    name: 'System Design & Architecture',
    group: 'practical',
    description: 'System design and software architecture: classes, interfaces, design patterns, microservices, APIs, distributed systems, scalability.',
    keywords: ['design pattern', 'architecture', 'microservice', 'microservices', 'distributed', 'scalable', 'scalability', 'interface', 'inheritance', 'singleton', 'factory', 'observer', 'object-oriented', 'oop', 'class hierarchy', 'system design', 'message queue', 'load balancer', 'service', 'module', 'dependency injection'],
  },
  {
    name: 'Web Development',
    group: 'practical',
    description: 'Web development: HTML, CSS, JavaScript, front-end frameworks, HTTP servers, REST APIs, web pages and requests.',
    keywords: ['html', 'css', 'javascript', 'web', 'webpage', 'website', 'http', 'rest', 'api', 'endpoint', 'react', 'angular', 'vue', 'node.js', 'nodejs', 'express', 'django', 'flask', 'url', 'browser', 'dom', 'ajax', 'json', 'server', 'request', 'jquery', 'php'],
  },
  {
    name: 'Algorithmic & Data Structure',
    group: 'algorithmic',
    description: 'Algorithms and data structures: sorting, searching, arrays, strings, linked lists, trees, graphs, dynamic programming, recursion.',
    keywords: ['algorithm', 'sort', 'sorting', 'sorted', 'search', 'binary search', 'array', 'arrays', 'list', 'linked list', 'string', 'substring', 'palindrome', 'tree', 'binary tree', 'graph', 'node', 'stack', 'queue', 'heap', 'hash table', 'dynamic programming', 'recursion', 'recursive', 'greedy', 'traverse', 'traversal', 'subarray', 'permutation', 'permutations', 'anagram', 'duplicates', 'reverse', 'element', 'elements'],
  },
  {
    name: 'Mathematical & Computational',
    group: 'algorithmic',
    description: 'Mathematical and computational problems: arithmetic, number theory, primes, factorials, geometry, equations, probability, numerical computation.',
    keywords: ['math', 'mathematical', 'prime', 'primes', 'factorial', 'fibonacci', 'sum', 'product', 'integer', 'integers', 'number', 'numbers', 'digit', 'digits', 'equation', 'calculate', 'compute', 'square', 'root', 'gcd', 'lcm', 'divisible', 'modulo', 'matrix', 'geometry', 'area', 'volume', 'probability', 'polynomial', 'derivative', 'integral', 'average', 'median', 'even', 'odd'],
  },
  {
    name: 'Data Science & Machine Learning',
    group: 'practical',
    description: 'Data science and machine learning: datasets, pandas, numpy, training models, neural networks, classification, regression, visualization.',
    keywords: ['machine learning', 'model', 'dataset', 'data set', 'pandas', 'numpy', 'dataframe', 'scikit-learn', 'sklearn', 'tensorflow', 'pytorch', 'keras', 'neural network', 'regression', 'classification', 'classifier', 'clustering', 'train', 'training', 'predict', 'prediction', 'feature', 'features', 'accuracy', 'visualize', 'visualization', 'plot', 'matplotlib', 'seaborn', 'statistics', 'nlp'],
  },
  {
    name: 'Performance Optimization',
    group: 'practical',
    description: 'Performance optimization: making code faster or use less memory, time and space complexity, caching, parallelism, profiling.',
    keywords: ['optimize', 'optimise', 'optimization', 'optimized', 'efficient', 'efficiently', 'efficiency', 'performance', 'faster', 'speed up', 'time complexity', 'space complexity', 'big o', 'o(n)', 'o(1)', 'o(log n)', 'memory usage', 'cache', 'caching', 'memoization', 'parallel', 'concurrency', 'multithreading', 'threads', 'profiling', 'bottleneck'],
  },
  {
    name: 'User Interface & Application Design',
    group: 'practical',
    description: 'User interfaces and application design: GUIs, mobile apps, forms, buttons, layouts, user interaction and accessibility.',
    keywords: ['user interface', 'ui', 'gui', 'button', 'buttons', 'form', 'layout', 'tkinter', 'android', 'ios', 'swiftui', 'mobile', 'app', 'application', 'window', 'widget', 'menu', 'click', 'user input', 'screen', 'responsive', 'accessibility', 'navigation', 'component'],
  },
  {
    name: 'Domain-Specific',
    group: 'practical',
    description: 'Domain-specific tasks: finance, healthcare, games, science, bioinformatics, e-commerce, and other specialized applications.',
    keywords: ['bank', 'banking', 'finance', 'financial', 'stock', 'invoice', 'healthcare', 'medical', 'patient', 'game', 'games', 'chess', 'biology', 'bioinformatics', 'dna', 'physics', 'chemistry', 'e-commerce', 'shopping', 'inventory', 'employee', 'student', 'library', 'weather', 'blockchain', 'iot'],
  },
  {
    name: 'Security & Cryptography',
    group: 'practical',
    description: 'Security and cryptography: encryption, decryption, hashing, authentication, passwords, vulnerabilities, secure coding.',
    keywords: ['security', 'secure', 'encrypt', 'encryption', 'decrypt', 'decryption', 'cipher', 'cryptography', 'cryptographic', 'hash', 'hashing', 'sha256', 'md5', 'aes', 'rsa', 'password', 'passwords', 'authentication', 'authorization', 'vulnerability', 'injection', 'xss', 'csrf', 'token', 'jwt', 'ssl', 'tls', 'sanitize'],
  },
];

/** Records matching no keyword of the preset go here (its catch-all category). */
export const SEED_B_10_FALLBACK = 'Domain-Specific';

export function resolveCategories(categories: TaskTypeAnnotatorConfig['categories'] = 'seed-b-10'): TaskCategory[] {
  if (categories === 'seed-b-10') return SEED_B_10.map((c) => ({ ...c, keywords: [...(c.keywords ?? [])] }));
  return categories.map((c) => ({ ...c }));
}

export function groupsOf(categories: TaskCategory[]): Record<string, string> {
  return Object.fromEntries(categories.map((c) => [c.name, c.group]));
}
