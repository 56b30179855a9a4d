from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_create_index.sql.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_index = resolve('index')
    try:
        t_1 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    pass
    yield '-- CreateIndex\n'
    if environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'algorithm'):
        pass
        yield 'CREATE '
        if environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'unique'):
            pass
            yield 'UNIQUE '
        yield 'INDEX '
        yield str(t_1(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'name')))
        yield ' ON '
        yield str(environment.getattr(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'table'), 'sql'))
        yield ' USING '
        yield str(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'algorithm'))
        yield ' ('
        yield str(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'column_list'))
        yield ');\n'
    else:
        pass
        yield 'CREATE '
        if environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'unique'):
            pass
            yield 'UNIQUE '
        yield 'INDEX '
        yield str(t_1(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'name')))
        yield ' ON '
        yield str(environment.getattr(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'table'), 'sql'))
        yield '('
        yield str(environment.getattr((undefined(name='index') if l_0_index is missing else l_0_index), 'column_list'))
        yield ');\n'

blocks = {}
debug_info = '2=19&3=22&5=37'