from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_create_table.sql.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_table = resolve('table')
    try:
        t_1 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    pass
    yield '-- CreateTable\nCREATE TABLE '
    yield str(environment.getattr(environment.getattr((undefined(name='table') if l_0_table is missing else l_0_table), 'name'), 'sql'))
    yield ' (\n'
    l_1_loop = missing
    for l_1_column, l_1_loop in LoopContext(environment.getattr((undefined(name='table') if l_0_table is missing else l_0_table), 'columns'), undefined):
        _loop_vars = {}
        pass
        yield '    '
        yield str(environment.getattr(l_1_column, 'sql'))
        if ((not environment.getattr(l_1_loop, 'last')) or environment.getattr((undefined(name='table') if l_0_table is missing else l_0_table), 'primary_key')):
            pass
            yield ','
        yield '\n'
    l_1_loop = l_1_column = missing
    if environment.getattr((undefined(name='table') if l_0_table is missing else l_0_table), 'primary_key'):
        pass
        yield '\n    CONSTRAINT '
        yield str(t_1(environment.getattr((undefined(name='table') if l_0_table is missing else l_0_table), 'primary_key_name')))
        yield ' PRIMARY KEY ('
        yield str(environment.getattr((undefined(name='table') if l_0_table is missing else l_0_table), 'primary_key_columns'))
        yield ')\n'
    yield ');\n'

blocks = {}
debug_info = '2=19&3=22&4=26&7=32&9=35'