/** Told to the user before an install starts: torch pulls its CUDA libraries even on CPU machines. (Apart from pyenv.ts so `ablate --help` need not load execa.) */
export const APPROX_DOWNLOAD = '~3-7 GB (torch with its CUDA libraries)';
